import type { Gender, NounClass, NounSpec, VerbSpec } from './russian.ts';
import data from './lexicon.json' with { type: 'json' };

/**
 * The bilingual lexicon of the synthetic English→Russian generator. Semantic tags keep the
 * sentences sensible (people read books, not soup); Russian entries carry what the inflection
 * engine cannot predict (irregular plurals, fleeting vowels, consonant alternations).
 *
 * The words themselves are data, in lexicon.json beside this file, one entry a line in the compact
 * form the builders below take: a noun is [en, lemma, class, gender, tags, extra?], an adjective
 * [en, ru, tags, definite?], a verb [[base, s3, past, particle?], ru, extra?]. The builders add what
 * follows from the rest (regular English plurals, animacy from the tags).
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

function A(en: string, ru: string, tags: Tag[], definite = false): Adjective {
  return definite ? { en, ru, tags, definite } : { en, ru, tags };
}

function V(en: [string, string, string, string?], ru: VerbSpec, extra: Omit<Verb, 'en' | 'ru'> = {}): Verb {
  const [base, s3, past, particle] = en;
  return { en: particle ? { base, s3, past, particle } : { base, s3, past }, ru, ...extra };
}

type NounRow = [string, string, NounClass, Gender, Tag[], NounExtra?];
type AdjectiveRow = [string, string, Tag[], boolean?];
type VerbRow = [[string, string, string, string?], VerbSpec, Omit<Verb, 'en' | 'ru'>?];
type TimeKind = 'habitual' | 'frequency' | 'past' | 'future';

export const NOUNS: readonly Noun[] = (data.nouns as unknown as NounRow[]).map((r) => N(...r));
export const ADJECTIVES: readonly Adjective[] = (data.adjectives as unknown as AdjectiveRow[]).map((r) => A(...r));
export const VERBS: readonly Verb[] = (data.verbs as unknown as VerbRow[]).map((r) => V(...r));

/** Time expressions: English phrase, Russian phrase. */
export const TIMES = data.times as unknown as Readonly<Record<TimeKind, ReadonlyArray<readonly [string, string]>>>;

/** Cardinal numbers for "has N things": English, Russian masculine/neuter, Russian feminine. */
export const NUMBERS = data.numbers as unknown as ReadonlyArray<readonly [number, string, string, string]>;

/** Everything the generator can draw on, for the lexicon-size check. */
export function lexiconSize(): number {
  return (
    NOUNS.length + ADJECTIVES.length + VERBS.length + TIMES.habitual.length + TIMES.frequency.length + TIMES.past.length + TIMES.future.length + NUMBERS.length
  );
}
