import type { Gender, NounClass, NounSpec, VerbSpec } from './russian.ts';

/**
 * The bilingual lexicon of the synthetic English→Russian generator. Semantic tags keep the
 * sentences sensible (people read books, not soup); Russian entries carry what the inflection
 * engine cannot predict (irregular plurals, fleeting vowels, consonant alternations).
 */
export type Tag =
  | 'person'
  | 'kin'
  | 'animal'
  | 'food'
  | 'fruit'
  | 'drink'
  | 'readable'
  | 'writable'
  | 'portable'
  | 'losable'
  | 'clothes'
  | 'furniture'
  | 'vehicle'
  | 'device'
  | 'container'
  | 'openable'
  | 'washable'
  | 'drawable'
  | 'cookable'
  | 'film'
  | 'music'
  | 'song'
  | 'periodical'
  | 'transport'
  | 'awaited'
  | 'plant'
  | 'building'
  | 'buildable'
  | 'visitable'
  | 'dwelling'
  | 'workplace'
  | 'school'
  | 'leisure'
  | 'water'
  | 'room'
  | 'street'
  | 'eatery'
  | 'waiting'
  | 'sellable'
  | 'repairable'
  | 'colored';

export interface Place {
  en: 'in' | 'at' | 'on';
  ru: 'в' | 'на';
}

export interface Noun {
  en: string;
  enPl: string;
  ru: NounSpec;
  tags: readonly Tag[];
  /** How it is used as a location (в школе / at school). */
  place?: Place;
  /** Uncountable in use (coffee, bread): no plural, no "a". */
  mass?: boolean;
}

export interface Adjective {
  en: string;
  ru: string;
  /** Nouns it may describe. */
  tags: readonly Tag[];
  /** Only with a definite determiner ("my favourite book", not "a favourite book"). */
  definite?: boolean;
}

export interface EnglishVerb {
  base: string;
  s3: string;
  past: string;
  /** Particle that precedes the object (wait *for* someone). */
  particle?: string;
}

export interface Verb {
  en: EnglishVerb;
  /** Imperfective: present, past of ongoing/habitual actions, future with буду. */
  ru: VerbSpec;
  /** Perfective for completed actions: its past for the English simple past (прочитал), its present for the future (прочитаю). */
  pf?: VerbSpec;
  /** Direct object: its case and the nouns it takes. */
  object?: { case: 'acc' | 'dat'; tags: readonly Tag[] };
  /** A dative recipient besides the accusative object (give, show, send). */
  recipient?: boolean;
  /** Intransitive use with a place (live in a city). */
  location?: { tags: readonly Tag[]; prep?: Place };
  /** Takes "with someone" (с + instrumental). */
  companion?: boolean;
}

function plural(en: string): string {
  if (/(s|x|z|ch|sh)$/.test(en)) return en + 'es';
  if (/[^aeiou]y$/.test(en)) return en.slice(0, -1) + 'ies';
  return en + 's';
}

type NounExtra = Partial<Omit<NounSpec, 'lemma' | 'cls' | 'gender' | 'animate'>> & { enPl?: string; place?: Place; mass?: boolean };

function N(en: string, lemma: string, cls: NounClass, gender: Gender, tags: Tag[], extra: NounExtra = {}): Noun {
  const { enPl, place, mass, ...ru } = extra;
  const animate = tags.includes('person') || tags.includes('animal');
  const noun: Noun = { en, enPl: enPl ?? plural(en), ru: { lemma, cls, gender, animate, ...ru }, tags };
  if (place) noun.place = place;
  if (mass) noun.mass = true;
  return noun;
}

const IN_V: Place = { en: 'in', ru: 'в' };
const AT_V: Place = { en: 'at', ru: 'в' };
const AT_NA: Place = { en: 'at', ru: 'на' };
const IN_NA: Place = { en: 'in', ru: 'на' };
const ON_NA: Place = { en: 'on', ru: 'на' };

export const NOUNS: readonly Noun[] = [
  // people
  N('man', 'мужчина', 'f-a', 'm', ['person', 'drawable'], { enPl: 'men', gpl: 'мужчин' }),
  N('woman', 'женщина', 'f-a', 'f', ['person', 'drawable'], { enPl: 'women', gpl: 'женщин' }),
  N('boy', 'мальчик', 'm', 'm', ['person', 'drawable']),
  N('girl', 'девочка', 'f-a', 'f', ['person', 'drawable'], { gpl: 'девочек' }),
  N('brother', 'брат', 'm', 'm', ['person', 'kin'], { pl: ['братья', 'братьев', 'братьям', 'братьями', 'братьях'] }),
  N('sister', 'сестра', 'f-a', 'f', ['person', 'kin'], { stressed: true, pl: ['сёстры', 'сестёр', 'сёстрам', 'сёстрами', 'сёстрах'] }),
  N('friend', 'друг', 'm', 'm', ['person', 'kin'], { pl: ['друзья', 'друзей', 'друзьям', 'друзьями', 'друзьях'] }),
  N('teacher', 'учитель', 'm-soft', 'm', ['person'], { pl: ['учителя', 'учителей', 'учителям', 'учителями', 'учителях'] }),
  N('student', 'студент', 'm', 'm', ['person']),
  N('doctor', 'врач', 'm', 'm', ['person'], { stressed: true }),
  N('child', 'ребёнок', 'm', 'm', ['person', 'kin', 'drawable'], { enPl: 'children', stem: 'ребёнк', pl: ['дети', 'детей', 'детям', 'детьми', 'детях'] }),
  N('neighbour', 'сосед', 'm', 'm', ['person'], { pl: ['соседи', 'соседей', 'соседям', 'соседями', 'соседях'] }),
  N('mother', 'мать', 'f-soft', 'f', ['person'], {
    sg: { gen: 'матери', dat: 'матери', ins: 'матерью', prep: 'матери' },
    pl: ['матери', 'матерей', 'матерям', 'матерями', 'матерях'],
  }),
  N('daughter', 'дочь', 'f-soft', 'f', ['person', 'kin'], {
    sg: { gen: 'дочери', dat: 'дочери', ins: 'дочерью', prep: 'дочери' },
    pl: ['дочери', 'дочерей', 'дочерям', 'дочерьми', 'дочерях'],
  }),
  N('father', 'отец', 'm', 'm', ['person'], { stem: 'отц', stressed: true }),
  N('son', 'сын', 'm', 'm', ['person', 'kin'], { pl: ['сыновья', 'сыновей', 'сыновьям', 'сыновьями', 'сыновьях'] }),
  N('grandmother', 'бабушка', 'f-a', 'f', ['person'], { gpl: 'бабушек' }),
  N('grandfather', 'дедушка', 'f-a', 'm', ['person'], { gpl: 'дедушек' }),
  N('husband', 'муж', 'm', 'm', ['person'], { pl: ['мужья', 'мужей', 'мужьям', 'мужьями', 'мужьях'] }),
  N('wife', 'жена', 'f-a', 'f', ['person'], { stressed: true, pl: ['жёны', 'жён', 'жёнам', 'жёнами', 'жёнах'] }),
  N('writer', 'писатель', 'm-soft', 'm', ['person']),
  N('driver', 'водитель', 'm-soft', 'm', ['person']),
  N('engineer', 'инженер', 'm', 'm', ['person']),
  N('journalist', 'журналист', 'm', 'm', ['person']),
  N('artist', 'художник', 'm', 'm', ['person']),
  N('musician', 'музыкант', 'm', 'm', ['person']),
  N('cook', 'повар', 'm', 'm', ['person'], { pl: ['повара', 'поваров', 'поварам', 'поварами', 'поварах'] }),
  N('guest', 'гость', 'm-soft', 'm', ['person']),
  N('actor', 'актёр', 'm', 'm', ['person']),
  N('singer', 'певица', 'f-a', 'f', ['person'], { gpl: 'певиц' }),
  N('pupil', 'ученик', 'm', 'm', ['person'], { stressed: true }),
  // animals
  N('dog', 'собака', 'f-a', 'f', ['animal', 'drawable', 'washable'], { gpl: 'собак' }),
  N('cat', 'кошка', 'f-a', 'f', ['animal', 'drawable'], { gpl: 'кошек' }),
  N('horse', 'лошадь', 'f-soft', 'f', ['animal', 'drawable'], { pl: ['лошади', 'лошадей', 'лошадям', 'лошадьми', 'лошадях'] }),
  N('bird', 'птица', 'f-a', 'f', ['animal', 'drawable', 'music'], { gpl: 'птиц' }),
  N('fish', 'рыба', 'f-a', 'f', ['animal', 'drawable'], { enPl: 'fish', gpl: 'рыб' }),
  N('cow', 'корова', 'f-a', 'f', ['animal', 'drawable'], { gpl: 'коров' }),
  N('bear', 'медведь', 'm-soft', 'm', ['animal', 'drawable']),
  N('wolf', 'волк', 'm', 'm', ['animal', 'drawable'], { enPl: 'wolves' }),
  N('mouse', 'мышь', 'f-soft', 'f', ['animal', 'drawable'], { enPl: 'mice' }),
  // things
  N('book', 'книга', 'f-a', 'f', ['readable', 'writable', 'portable', 'losable', 'openable', 'sellable'], { gpl: 'книг' }),
  N('letter', 'письмо', 'n-o', 'n', ['readable', 'writable', 'openable', 'awaited'], { stressed: true, gpl: 'писем' }),
  N('newspaper', 'газета', 'f-a', 'f', ['readable', 'periodical', 'portable'], { gpl: 'газет' }),
  N('magazine', 'журнал', 'm', 'm', ['readable', 'periodical', 'portable']),
  N('story', 'рассказ', 'm', 'm', ['readable', 'writable']),
  N('song', 'песня', 'f-ja', 'f', ['writable', 'music', 'song'], { gpl: 'песен' }),
  N('pen', 'ручка', 'f-a', 'f', ['portable', 'losable', 'colored'], { gpl: 'ручек' }),
  N('pencil', 'карандаш', 'm', 'm', ['portable', 'losable', 'colored'], { stressed: true }),
  N('notebook', 'тетрадь', 'f-soft', 'f', ['portable', 'losable', 'colored']),
  N('table', 'стол', 'm', 'm', ['furniture', 'sellable', 'repairable'], { stressed: true }),
  N('chair', 'стул', 'm', 'm', ['furniture', 'sellable', 'repairable'], { pl: ['стулья', 'стульев', 'стульям', 'стульями', 'стульях'] }),
  N('lamp', 'лампа', 'f-a', 'f', ['furniture', 'portable', 'repairable', 'colored'], { gpl: 'ламп' }),
  N('window', 'окно', 'n-o', 'n', ['openable', 'washable'], { stressed: true, gpl: 'окон' }),
  N('door', 'дверь', 'f-soft', 'f', ['openable', 'colored', 'repairable']),
  N('picture', 'картина', 'f-a', 'f', ['drawable', 'portable', 'sellable'], { gpl: 'картин' }),
  N('phone', 'телефон', 'm', 'm', ['portable', 'losable', 'device', 'repairable', 'sellable']),
  N('computer', 'компьютер', 'm', 'm', ['device', 'repairable', 'sellable']),
  N('bag', 'сумка', 'f-a', 'f', ['portable', 'losable', 'container', 'openable', 'colored'], { gpl: 'сумок' }),
  N('key', 'ключ', 'm', 'm', ['portable', 'losable'], { stressed: true }),
  N('cup', 'чашка', 'f-a', 'f', ['portable', 'washable', 'container', 'colored'], { gpl: 'чашек' }),
  N('plate', 'тарелка', 'f-a', 'f', ['portable', 'washable'], { gpl: 'тарелок' }),
  N('box', 'коробка', 'f-a', 'f', ['portable', 'container', 'openable'], { gpl: 'коробок' }),
  N('bicycle', 'велосипед', 'm', 'm', ['vehicle', 'sellable', 'repairable', 'colored', 'drawable']),
  N('car', 'машина', 'f-a', 'f', ['vehicle', 'washable', 'sellable', 'repairable', 'colored', 'drawable'], { gpl: 'машин' }),
  N('bus', 'автобус', 'm', 'm', ['vehicle', 'transport', 'awaited', 'colored']),
  N('train', 'поезд', 'm', 'm', ['vehicle', 'transport', 'awaited'], { pl: ['поезда', 'поездов', 'поездам', 'поездами', 'поездах'] }),
  N('ticket', 'билет', 'm', 'm', ['portable', 'losable']),
  N('film', 'фильм', 'm', 'm', ['film']),
  N('present', 'подарок', 'm', 'm', ['portable', 'sellable'], { stem: 'подарк' }),
  N('flower', 'цветок', 'm', 'm', ['portable', 'plant', 'drawable', 'colored', 'sellable'], { stem: 'цветк', stressed: true, pl: ['цветы', 'цветов', 'цветам', 'цветами', 'цветах'] }),
  N('shirt', 'рубашка', 'f-a', 'f', ['clothes', 'portable', 'colored', 'sellable'], { gpl: 'рубашек' }),
  N('dress', 'платье', 'n-e', 'n', ['clothes', 'portable', 'colored', 'sellable'], { gpl: 'платьев' }),
  N('coat', 'пальто', 'indecl', 'n', ['clothes', 'portable', 'colored', 'sellable']),
  N('hat', 'шапка', 'f-a', 'f', ['clothes', 'portable', 'losable', 'colored'], { gpl: 'шапок' }),
  N('umbrella', 'зонт', 'm', 'm', ['portable', 'losable', 'colored'], { stressed: true }),
  N('photo', 'фотография', 'f-ija', 'f', ['portable', 'sellable']),
  N('tree', 'дерево', 'n-o', 'n', ['plant', 'drawable'], { pl: ['деревья', 'деревьев', 'деревьям', 'деревьями', 'деревьях'] }),
  N('bridge', 'мост', 'm', 'm', ['buildable', 'drawable'], { loc: 'мосту' }),
  N('armchair', 'кресло', 'n-o', 'n', ['furniture', 'sellable', 'repairable'], { gpl: 'кресел' }),
  N('bed', 'кровать', 'f-soft', 'f', ['furniture', 'sellable']),
  N('map', 'карта', 'f-a', 'f', ['portable', 'losable'], { gpl: 'карт' }),
  N('ball', 'мяч', 'm', 'm', ['portable', 'losable', 'colored'], { stressed: true }),
  N('toy', 'игрушка', 'f-a', 'f', ['portable', 'losable', 'colored', 'sellable'], { gpl: 'игрушек' }),
  N('guitar', 'гитара', 'f-a', 'f', ['portable', 'sellable', 'repairable'], { gpl: 'гитар' }),
  // food and drink
  N('apple', 'яблоко', 'n-o', 'n', ['food', 'fruit', 'portable', 'washable', 'drawable'], { pl: ['яблоки', 'яблок', 'яблокам', 'яблоками', 'яблоках'] }),
  N('bread', 'хлеб', 'm', 'm', ['food'], { mass: true }),
  N('soup', 'суп', 'm', 'm', ['food', 'cookable'], { mass: true }),
  N('cake', 'торт', 'm', 'm', ['food', 'cookable']),
  N('cheese', 'сыр', 'm', 'm', ['food'], { mass: true }),
  N('sandwich', 'бутерброд', 'm', 'm', ['food', 'portable']),
  N('tea', 'чай', 'm-j', 'm', ['drink'], { mass: true }),
  N('milk', 'молоко', 'n-o', 'n', ['drink'], { stressed: true, mass: true }),
  N('water', 'вода', 'f-a', 'f', ['drink'], { stressed: true, mass: true }),
  N('juice', 'сок', 'm', 'm', ['drink'], { mass: true }),
  N('coffee', 'кофе', 'indecl', 'm', ['drink'], { mass: true }),
  N('egg', 'яйцо', 'n-o', 'n', ['food', 'cookable'], { stressed: true, gpl: 'яиц' }),
  N('orange', 'апельсин', 'm', 'm', ['food', 'fruit', 'portable', 'drawable']),
  N('banana', 'банан', 'm', 'm', ['food', 'fruit', 'portable']),
  N('pie', 'пирог', 'm', 'm', ['food', 'cookable', 'portable'], { stressed: true }),
  N('porridge', 'каша', 'f-a', 'f', ['food', 'cookable'], { mass: true }),
  N('salad', 'салат', 'm', 'm', ['food', 'cookable']),
  N('sweet', 'конфета', 'f-a', 'f', ['food', 'portable'], { gpl: 'конфет' }),
  // places
  N('house', 'дом', 'm', 'm', ['building', 'buildable', 'dwelling', 'drawable', 'sellable', 'colored'], { place: IN_V, pl: ['дома', 'домов', 'домам', 'домами', 'домах'] }),
  N('city', 'город', 'm', 'm', ['visitable', 'dwelling'], { place: IN_V, pl: ['города', 'городов', 'городам', 'городами', 'городах'] }),
  N('village', 'деревня', 'f-ja', 'f', ['visitable', 'dwelling', 'leisure'], { place: IN_V, gpl: 'деревень' }),
  N('school', 'школа', 'f-a', 'f', ['building', 'buildable', 'workplace', 'school'], { place: AT_V, gpl: 'школ' }),
  N('university', 'университет', 'm', 'm', ['building', 'workplace', 'school', 'visitable'], { place: AT_V }),
  N('office', 'офис', 'm', 'm', ['workplace'], { place: IN_V }),
  N('shop', 'магазин', 'm', 'm', ['building', 'workplace', 'openable'], { place: IN_V }),
  N('park', 'парк', 'm', 'm', ['visitable', 'leisure'], { place: IN_V }),
  N('garden', 'сад', 'm', 'm', ['leisure'], { place: IN_V, loc: 'саду' }),
  N('forest', 'лес', 'm', 'm', ['leisure'], { place: IN_V, loc: 'лесу', pl: ['леса', 'лесов', 'лесам', 'лесами', 'лесах'] }),
  N('river', 'река', 'f-a', 'f', ['water', 'drawable'], { place: ON_NA, stressed: true, gpl: 'рек' }),
  N('lake', 'озеро', 'n-o', 'n', ['water', 'drawable'], { place: ON_NA, pl: ['озёра', 'озёр', 'озёрам', 'озёрами', 'озёрах'] }),
  N('sea', 'море', 'n-e', 'n', ['water', 'drawable'], { place: AT_NA }),
  N('library', 'библиотека', 'f-a', 'f', ['building', 'buildable', 'workplace', 'visitable'], { place: AT_V, gpl: 'библиотек' }),
  N('museum', 'музей', 'm-j', 'm', ['building', 'workplace', 'visitable'], { place: AT_V }),
  N('theatre', 'театр', 'm', 'm', ['building', 'workplace', 'visitable'], { place: AT_V }),
  N('hospital', 'больница', 'f-a', 'f', ['building', 'buildable', 'workplace'], { place: IN_V, gpl: 'больниц' }),
  N('station', 'вокзал', 'm', 'm', ['building', 'workplace', 'waiting'], { place: AT_NA }),
  N('street', 'улица', 'f-a', 'f', ['street'], { place: IN_NA, gpl: 'улиц' }),
  N('square', 'площадь', 'f-soft', 'f', ['street', 'visitable'], { place: IN_NA }),
  N('kitchen', 'кухня', 'f-ja', 'f', ['room', 'eatery'], { place: IN_NA, gpl: 'кухонь' }),
  N('room', 'комната', 'f-a', 'f', ['room', 'dwelling'], { place: IN_V, gpl: 'комнат' }),
  N('restaurant', 'ресторан', 'm', 'm', ['building', 'workplace', 'eatery', 'visitable'], { place: IN_V }),
  N('cafe', 'кафе', 'indecl', 'n', ['workplace', 'eatery', 'waiting'], { place: IN_V }),
  N('factory', 'завод', 'm', 'm', ['building', 'buildable', 'workplace'], { place: AT_NA }),
  N('airport', 'аэропорт', 'm', 'm', ['building', 'workplace', 'waiting'], { place: AT_V, loc: 'аэропорту' }),
  N('hotel', 'гостиница', 'f-a', 'f', ['building', 'buildable', 'workplace', 'dwelling'], { place: IN_V, gpl: 'гостиниц' }),
  N('market', 'рынок', 'm', 'm', ['workplace', 'visitable'], { place: AT_NA, stem: 'рынк' }),
  N('bank', 'банк', 'm', 'm', ['building', 'workplace'], { place: AT_V }),
  N('country', 'страна', 'f-a', 'f', ['visitable', 'dwelling'], { place: IN_V, stressed: true, gpl: 'стран' }),
  N('stadium', 'стадион', 'm', 'm', ['building', 'buildable', 'leisure'], { place: AT_NA }),
  N('beach', 'пляж', 'm', 'm', ['leisure'], { place: ON_NA }),
  N('flat', 'квартира', 'f-a', 'f', ['dwelling', 'room', 'sellable'], { place: IN_V, gpl: 'квартир' }),
  N('post office', 'почта', 'f-a', 'f', ['workplace'], { place: AT_NA, gpl: 'почт' }),
  N('island', 'остров', 'm', 'm', ['visitable', 'dwelling', 'drawable'], { place: ON_NA, pl: ['острова', 'островов', 'островам', 'островами', 'островах'] }),
  N('castle', 'замок', 'm', 'm', ['building', 'buildable', 'visitable', 'drawable'], { place: IN_V, stem: 'замк' }),
  N('zoo', 'зоопарк', 'm', 'm', ['visitable', 'workplace', 'leisure'], { place: AT_V }),
  N('cinema', 'кинотеатр', 'm', 'm', ['building', 'workplace', 'buildable'], { place: AT_V }),
];

type AdjTags = Tag[];
const THINGS: AdjTags = ['portable', 'furniture', 'vehicle', 'clothes', 'device', 'building', 'readable'];
const PLACES: AdjTags = ['visitable', 'dwelling', 'workplace', 'leisure', 'street', 'room', 'building'];

function A(en: string, ru: string, tags: AdjTags, definite = false): Adjective {
  return definite ? { en, ru, tags, definite } : { en, ru, tags };
}

export const ADJECTIVES: readonly Adjective[] = [
  A('new', 'новый', [...THINGS, 'person', 'film', 'music']),
  A('old', 'старый', [...THINGS, ...PLACES, 'person', 'animal', 'plant']),
  A('young', 'молодой', ['person', 'animal', 'plant']),
  A('big', 'большой', ['vehicle', 'building', 'dwelling', 'animal', 'furniture', 'container', 'fruit', 'leisure', 'visitable', 'water', 'room']),
  A('small', 'маленький', ['vehicle', 'building', 'dwelling', 'animal', 'furniture', 'container', 'fruit', 'leisure', 'visitable', 'room', 'person', 'portable']),
  A('good', 'хороший', ['person', 'animal', 'film', 'readable', 'music', 'food', 'building', 'workplace', 'device']),
  A('bad', 'плохой', ['film', 'readable', 'music', 'food', 'drink']),
  A('beautiful', 'красивый', ['person', 'animal', 'visitable', 'building', 'clothes', 'plant', 'water', 'colored', 'music']),
  A('interesting', 'интересный', ['readable', 'film', 'person', 'visitable']),
  A('boring', 'скучный', ['readable', 'film', 'music']),
  A('red', 'красный', ['colored', 'clothes', 'vehicle']),
  A('blue', 'синий', ['colored', 'clothes', 'vehicle', 'water']),
  A('green', 'зелёный', ['colored', 'clothes', 'plant']),
  A('white', 'белый', ['colored', 'clothes', 'building', 'animal', 'furniture']),
  A('black', 'чёрный', ['colored', 'clothes', 'animal', 'vehicle']),
  A('yellow', 'жёлтый', ['colored', 'clothes', 'vehicle', 'plant']),
  A('expensive', 'дорогой', ['vehicle', 'clothes', 'device', 'furniture', 'eatery', 'dwelling', 'portable']),
  A('cheap', 'дешёвый', ['vehicle', 'clothes', 'device', 'furniture', 'eatery', 'portable']),
  A('tall', 'высокий', ['person', 'building', 'plant']),
  A('long', 'длинный', ['readable', 'film', 'water', 'street']),
  A('short', 'короткий', ['readable', 'film', 'music', 'clothes']),
  A('quiet', 'тихий', ['street', 'dwelling', 'leisure', 'room', 'person', 'eatery']),
  A('noisy', 'шумный', ['street', 'dwelling', 'eatery', 'person', 'workplace']),
  A('clean', 'чистый', ['room', 'street', 'dwelling', 'washable', 'water', 'clothes']),
  A('dirty', 'грязный', ['room', 'street', 'washable', 'clothes', 'water']),
  A('warm', 'тёплый', ['drink', 'clothes', 'room', 'water']),
  A('cold', 'холодный', ['drink', 'room', 'water', 'cookable']),
  A('hot', 'горячий', ['drink', 'cookable']),
  A('fresh', 'свежий', ['food', 'drink', 'periodical']),
  A('tasty', 'вкусный', ['food', 'drink']),
  A('kind', 'добрый', ['person', 'animal']),
  A('clever', 'умный', ['person', 'animal']),
  A('cheerful', 'весёлый', ['person', 'film', 'music']),
  A('sad', 'грустный', ['person', 'film', 'music', 'readable']),
  A('famous', 'известный', ['person', 'visitable', 'readable', 'film', 'music']),
  A('Russian', 'русский', ['readable', 'film', 'music', 'person']),
  A('English', 'английский', ['readable', 'film', 'music', 'person']),
  A('modern', 'современный', ['building', 'dwelling', 'device', 'film', 'music', 'vehicle']),
  A('ancient', 'древний', ['building', 'plant']),
  A('summer', 'летний', ['clothes']),
  A('winter', 'зимний', ['clothes']),
  A('favourite', 'любимый', ['person', 'animal', 'readable', 'film', 'music', 'food', 'drink', 'visitable', 'eatery', 'clothes', 'portable'], true),
  A('huge', 'огромный', ['building', 'visitable', 'animal', 'vehicle', 'plant']),
  A('strong', 'сильный', ['person', 'animal']),
  A('empty', 'пустой', ['room', 'street', 'container', 'transport']),
  A('heavy', 'тяжёлый', ['container', 'furniture', 'readable']),
  A('light', 'лёгкий', ['container', 'furniture', 'clothes']),
  A('dark', 'тёмный', ['room', 'street', 'leisure', 'clothes']),
  A('bright', 'яркий', ['colored', 'clothes', 'plant', 'drawable']),
  A('wooden', 'деревянный', ['furniture', 'buildable']),
  A('cosy', 'уютный', ['room', 'eatery', 'dwelling']),
  A('wide', 'широкий', ['water', 'street', 'buildable', 'furniture']),
  A('deep', 'глубокий', ['water']),
  A('calm', 'спокойный', ['person', 'animal', 'water', 'street', 'dwelling']),
  A('last', 'последний', ['readable', 'film', 'music', 'awaited'], true),
  A('main', 'главный', ['street', 'building', 'visitable'], true),
  A('poor', 'бедный', ['person', 'dwelling']),
  A('rich', 'богатый', ['person', 'dwelling']),
];

function V(en: [string, string, string, string?], ru: VerbSpec, extra: Omit<Verb, 'en' | 'ru'> = {}): Verb {
  const [base, s3, past, particle] = en;
  return { en: particle ? { base, s3, past, particle } : { base, s3, past }, ru, ...extra };
}

const FOOD: Tag[] = ['food'];
const BUYABLE: Tag[] = ['portable', 'food', 'vehicle', 'clothes', 'furniture', 'device', 'sellable'];

export const VERBS: readonly Verb[] = [
  V(['read', 'reads', 'read'], { inf: 'читать', conj: 'aj' }, { pf: { inf: 'прочитать', conj: 'aj' }, object: { case: 'acc', tags: ['readable'] } }),
  V(['write', 'writes', 'wrote'], { inf: 'писать', pres: ['пишу', 'пишешь', 'пишет', 'пишем', 'пишете', 'пишут'] }, { pf: { inf: 'написать', pres: ['напишу', 'напишешь', 'напишет', 'напишем', 'напишете', 'напишут'] }, object: { case: 'acc', tags: ['writable'] } }),
  V(['buy', 'buys', 'bought'], { inf: 'покупать', conj: 'aj' }, { pf: { inf: 'купить', conj: 'i2', sg1: 'куплю' }, object: { case: 'acc', tags: BUYABLE } }),
  V(['sell', 'sells', 'sold'], { inf: 'продавать', pres: ['продаю', 'продаёшь', 'продаёт', 'продаём', 'продаёте', 'продают'] }, { pf: { inf: 'продать', pres: ['продам', 'продашь', 'продаст', 'продадим', 'продадите', 'продадут'] }, object: { case: 'acc', tags: ['sellable'] } }),
  V(['see', 'sees', 'saw'], { inf: 'видеть', conj: 'e2', sg1: 'вижу' }, { pf: { inf: 'увидеть', conj: 'e2', sg1: 'увижу' }, object: { case: 'acc', tags: ['person', 'animal', 'vehicle', 'building', 'plant', 'water', 'visitable'] } }),
  V(['love', 'loves', 'loved'], { inf: 'любить', conj: 'i2', sg1: 'люблю' }, { object: { case: 'acc', tags: ['person', 'animal', 'food', 'drink', 'film', 'music', 'visitable', 'plant'] } }),
  V(['wash', 'washes', 'washed'], { inf: 'мыть', pres: ['мою', 'моешь', 'моет', 'моем', 'моете', 'моют'] }, { pf: { inf: 'вымыть', pres: ['вымою', 'вымоешь', 'вымоет', 'вымоем', 'вымоете', 'вымоют'] }, object: { case: 'acc', tags: ['washable'] } }),
  V(['open', 'opens', 'opened'], { inf: 'открывать', conj: 'aj' }, { pf: { inf: 'открыть', pres: ['открою', 'откроешь', 'откроет', 'откроем', 'откроете', 'откроют'] }, object: { case: 'acc', tags: ['openable'] } }),
  V(['close', 'closes', 'closed'], { inf: 'закрывать', conj: 'aj' }, { pf: { inf: 'закрыть', pres: ['закрою', 'закроешь', 'закроет', 'закроем', 'закроете', 'закроют'] }, object: { case: 'acc', tags: ['openable'] } }),
  V(['find', 'finds', 'found'], { inf: 'находить', conj: 'i2', sg1: 'нахожу' }, { pf: { inf: 'найти', pres: ['найду', 'найдёшь', 'найдёт', 'найдём', 'найдёте', 'найдут'], past: ['нашёл', 'нашла', 'нашло', 'нашли'] }, object: { case: 'acc', tags: ['losable'] } }),
  V(['lose', 'loses', 'lost'], { inf: 'терять', conj: 'aj' }, { pf: { inf: 'потерять', conj: 'aj' }, object: { case: 'acc', tags: ['losable'] } }),
  V(['draw', 'draws', 'drew'], { inf: 'рисовать', conj: 'ova' }, { pf: { inf: 'нарисовать', conj: 'ova' }, object: { case: 'acc', tags: ['drawable'] } }),
  V(['eat', 'eats', 'ate'], { inf: 'есть', pres: ['ем', 'ешь', 'ест', 'едим', 'едите', 'едят'], past: ['ел', 'ела', 'ело', 'ели'] }, { pf: { inf: 'съесть', pres: ['съем', 'съешь', 'съест', 'съедим', 'съедите', 'съедят'], past: ['съел', 'съела', 'съело', 'съели'] }, object: { case: 'acc', tags: FOOD }, location: { tags: ['eatery'] } }),
  V(['drink', 'drinks', 'drank'], { inf: 'пить', pres: ['пью', 'пьёшь', 'пьёт', 'пьём', 'пьёте', 'пьют'] }, { pf: { inf: 'выпить', pres: ['выпью', 'выпьешь', 'выпьет', 'выпьем', 'выпьете', 'выпьют'] }, object: { case: 'acc', tags: ['drink'] } }),
  V(['cook', 'cooks', 'cooked'], { inf: 'готовить', conj: 'i2', sg1: 'готовлю' }, { pf: { inf: 'приготовить', conj: 'i2', sg1: 'приготовлю' }, object: { case: 'acc', tags: ['cookable'] } }),
  V(['watch', 'watches', 'watched'], { inf: 'смотреть', conj: 'e2' }, { pf: { inf: 'посмотреть', conj: 'e2' }, object: { case: 'acc', tags: ['film'] } }),
  V(['build', 'builds', 'built'], { inf: 'строить', conj: 'i2' }, { pf: { inf: 'построить', conj: 'i2' }, object: { case: 'acc', tags: ['buildable'] } }),
  V(['take', 'takes', 'took'], { inf: 'брать', pres: ['беру', 'берёшь', 'берёт', 'берём', 'берёте', 'берут'] }, { pf: { inf: 'взять', pres: ['возьму', 'возьмёшь', 'возьмёт', 'возьмём', 'возьмёте', 'возьмут'] }, object: { case: 'acc', tags: ['portable'] } }),
  V(['bring', 'brings', 'brought'], { inf: 'приносить', conj: 'i2', sg1: 'приношу' }, { pf: { inf: 'принести', pres: ['принесу', 'принесёшь', 'принесёт', 'принесём', 'принесёте', 'принесут'], past: ['принёс', 'принесла', 'принесло', 'принесли'] }, object: { case: 'acc', tags: ['portable', 'food', 'drink'] } }),
  V(['meet', 'meets', 'met'], { inf: 'встречать', conj: 'aj' }, { pf: { inf: 'встретить', conj: 'i2', sg1: 'встречу' }, object: { case: 'acc', tags: ['person'] } }),
  V(['visit', 'visits', 'visited'], { inf: 'посещать', conj: 'aj' }, { pf: { inf: 'посетить', conj: 'i2', sg1: 'посещу' }, object: { case: 'acc', tags: ['visitable'] } }),
  V(['wait', 'waits', 'waited', 'for'], { inf: 'ждать', pres: ['жду', 'ждёшь', 'ждёт', 'ждём', 'ждёте', 'ждут'], past: ['ждал', 'ждала', 'ждало', 'ждали'] }, { object: { case: 'acc', tags: ['person', 'awaited'] }, location: { tags: ['waiting'] } }),
  V(['know', 'knows', 'knew'], { inf: 'знать', conj: 'aj' }, { object: { case: 'acc', tags: ['person', 'music', 'visitable'] } }),
  V(['hear', 'hears', 'heard'], { inf: 'слышать', conj: 'e2' }, { pf: { inf: 'услышать', conj: 'e2' }, object: { case: 'acc', tags: ['music', 'person'] } }),
  V(['clean', 'cleans', 'cleaned'], { inf: 'убирать', conj: 'aj' }, { pf: { inf: 'убрать', pres: ['уберу', 'уберёшь', 'уберёт', 'уберём', 'уберёте', 'уберут'] }, object: { case: 'acc', tags: ['room'] } }),
  V(['repair', 'repairs', 'repaired'], { inf: 'чинить', conj: 'i2' }, { pf: { inf: 'починить', conj: 'i2' }, object: { case: 'acc', tags: ['repairable'] } }),
  V(['sing', 'sings', 'sang'], { inf: 'петь', pres: ['пою', 'поёшь', 'поёт', 'поём', 'поёте', 'поют'] }, { pf: { inf: 'спеть', pres: ['спою', 'споёшь', 'споёт', 'споём', 'споёте', 'споют'] }, object: { case: 'acc', tags: ['song'] }, location: { tags: ['eatery', 'leisure'] } }),
  V(['want', 'wants', 'wanted'], { inf: 'хотеть', pres: ['хочу', 'хочешь', 'хочет', 'хотим', 'хотите', 'хотят'] }, { object: { case: 'acc', tags: BUYABLE } }),
  V(['remember', 'remembers', 'remembered'], { inf: 'помнить', conj: 'i2' }, { object: { case: 'acc', tags: ['person', 'music', 'visitable', 'readable'] } }),
  V(['help', 'helps', 'helped'], { inf: 'помогать', conj: 'aj' }, { pf: { inf: 'помочь', pres: ['помогу', 'поможешь', 'поможет', 'поможем', 'поможете', 'помогут'], past: ['помог', 'помогла', 'помогло', 'помогли'] }, object: { case: 'dat', tags: ['person'] } }),
  V(['call', 'calls', 'called'], { inf: 'звонить', conj: 'i2' }, { pf: { inf: 'позвонить', conj: 'i2' }, object: { case: 'dat', tags: ['person'] } }),
  V(['give', 'gives', 'gave'], { inf: 'давать', pres: ['даю', 'даёшь', 'даёт', 'даём', 'даёте', 'дают'] }, { pf: { inf: 'дать', pres: ['дам', 'дашь', 'даст', 'дадим', 'дадите', 'дадут'] }, object: { case: 'acc', tags: ['portable', 'food'] }, recipient: true }),
  V(['show', 'shows', 'showed'], { inf: 'показывать', conj: 'aj' }, { pf: { inf: 'показать', pres: ['покажу', 'покажешь', 'покажет', 'покажем', 'покажете', 'покажут'] }, object: { case: 'acc', tags: ['portable', 'readable'] }, recipient: true }),
  V(['send', 'sends', 'sent'], { inf: 'отправлять', conj: 'aj' }, { pf: { inf: 'отправить', conj: 'i2', sg1: 'отправлю' }, object: { case: 'acc', tags: ['writable', 'portable'] }, recipient: true }),
  V(['live', 'lives', 'lived'], { inf: 'жить', pres: ['живу', 'живёшь', 'живёт', 'живём', 'живёте', 'живут'] }, { location: { tags: ['dwelling'] } }),
  V(['work', 'works', 'worked'], { inf: 'работать', conj: 'aj' }, { location: { tags: ['workplace'] } }),
  V(['study', 'studies', 'studied'], { inf: 'учиться', conj: 'i2' }, { location: { tags: ['school'] } }),
  V(['rest', 'rests', 'rested'], { inf: 'отдыхать', conj: 'aj' }, { location: { tags: ['leisure', 'dwelling'] } }),
  V(['sleep', 'sleeps', 'slept'], { inf: 'спать', pres: ['сплю', 'спишь', 'спит', 'спим', 'спите', 'спят'] }, { location: { tags: ['room', 'dwelling'] } }),
  V(['walk', 'walks', 'walked'], { inf: 'гулять', conj: 'aj' }, { location: { tags: ['leisure', 'street'] }, companion: true }),
  V(['play', 'plays', 'played'], { inf: 'играть', conj: 'aj' }, { location: { tags: ['leisure', 'street', 'room'] }, companion: true }),
  V(['swim', 'swims', 'swam'], { inf: 'плавать', conj: 'aj' }, { location: { tags: ['water'], prep: { en: 'in', ru: 'в' } } }),
  V(['talk', 'talks', 'talked'], { inf: 'разговаривать', conj: 'aj' }, { companion: true }),
  V(['dance', 'dances', 'danced'], { inf: 'танцевать', conj: 'ova' }, { companion: true }),
  V(['argue', 'argues', 'argued'], { inf: 'спорить', conj: 'i2' }, { companion: true }),
];

/** Time expressions: English phrase, Russian phrase. */
export const TIMES = {
  habitual: [
    ['every day', 'каждый день'],
    ['every morning', 'каждое утро'],
    ['every evening', 'каждый вечер'],
    ['on Sundays', 'по воскресеньям'],
    ['in the morning', 'утром'],
    ['in the evening', 'вечером'],
    ['at weekends', 'по выходным'],
  ],
  frequency: [
    ['often', 'часто'],
    ['usually', 'обычно'],
    ['sometimes', 'иногда'],
    ['always', 'всегда'],
    ['rarely', 'редко'],
  ],
  past: [
    ['yesterday', 'вчера'],
    ['last week', 'на прошлой неделе'],
    ['last year', 'в прошлом году'],
    ['this morning', 'сегодня утром'],
    ['two days ago', 'два дня назад'],
    ['last summer', 'прошлым летом'],
    ['on Monday', 'в понедельник'],
  ],
  future: [
    ['tomorrow', 'завтра'],
    ['next week', 'на следующей неделе'],
    ['next year', 'в следующем году'],
    ['soon', 'скоро'],
    ['on Saturday', 'в субботу'],
    ['in the evening', 'вечером'],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [string, string]>>;

/** Cardinal numbers for "has N things": English, Russian masculine/neuter, Russian feminine. */
export const NUMBERS: ReadonlyArray<readonly [number, string, string, string]> = [
  [2, 'two', 'два', 'две'],
  [3, 'three', 'три', 'три'],
  [4, 'four', 'четыре', 'четыре'],
  [5, 'five', 'пять', 'пять'],
  [6, 'six', 'шесть', 'шесть'],
  [7, 'seven', 'семь', 'семь'],
  [8, 'eight', 'восемь', 'восемь'],
  [10, 'ten', 'десять', 'десять'],
];

/** Everything the generator can draw on, for the lexicon-size check. */
export function lexiconSize(): number {
  return NOUNS.length + ADJECTIVES.length + VERBS.length + TIMES.habitual.length + TIMES.frequency.length + TIMES.past.length + TIMES.future.length + NUMBERS.length;
}
