/**
 * Russian inflection for the synthetic translation generator: noun declension by class, long-form
 * adjective agreement, possessive and demonstrative determiners, present/past conjugation. Only
 * the paradigms the lexicon uses are modelled; anything irregular is spelled out in the lexicon
 * rather than guessed, because a wrong ending in a reference translation teaches a wrong ending.
 */

export type Case = 'nom' | 'gen' | 'dat' | 'acc' | 'ins' | 'prep';
export type Gender = 'm' | 'f' | 'n';
/** Agreement slot of an adjective or determiner: a singular gender, or plural. */
export type Slot = Gender | 'pl';
export type Forms = Record<Case, string>;

export const CASES: readonly Case[] = ['nom', 'gen', 'dat', 'acc', 'ins', 'prep'];

const VELAR = /[гкх]$/;
const SIBILANT = /[жшщч]$/;
const HUSHING_OR_TS = /[жшщчц]$/;

/**
 * The spelling rules every Russian grammar lists: no ы/я/ю after velars and hushing consonants
 * (и/а/у instead), and unstressed о after ж ш щ ч ц written е (улицей, but ножом).
 */
export function spell(stem: string, ending: string, stressedEnding = false): string {
  let e = ending;
  if ((VELAR.test(stem) || SIBILANT.test(stem)) && e.startsWith('ы')) e = 'и' + e.slice(1);
  if (SIBILANT.test(stem) && e.startsWith('я')) e = 'а' + e.slice(1);
  if (SIBILANT.test(stem) && e.startsWith('ю')) e = 'у' + e.slice(1);
  if (HUSHING_OR_TS.test(stem) && !stressedEnding && e.startsWith('о')) e = 'е' + e.slice(1);
  return stem + e;
}

// ---------------------------------------------------------------- nouns

export type NounClass =
  | 'm' // hard consonant: стол
  | 'm-soft' // -ь masculine: учитель
  | 'm-j' // -й: музей
  | 'f-a' // -а (any gender: мужчина is masculine but declines like книга)
  | 'f-ja' // -я: неделя
  | 'f-ija' // -ия: станция
  | 'f-soft' // -ь feminine: дверь
  | 'n-o' // -о: окно
  | 'n-e' // -е: море, платье
  | 'n-ie' // -ие: здание
  | 'indecl'; // кафе, пальто, кофе

export interface NounSpec {
  lemma: string;
  cls: NounClass;
  gender: Gender;
  animate: boolean;
  /** Stem for the other forms when it differs from the lemma minus its ending (подарок → подарк-). */
  stem?: string;
  /** Ending-stressed: о stays after hushing consonants (ножом, отцом), ё for soft stems (словарём). */
  stressed?: boolean;
  /** Genitive plural, when the class rule does not give it (книг, писем, песен). */
  gpl?: string;
  /** A wholly irregular plural: nominative, genitive, dative, instrumental, prepositional (acc follows animacy). */
  pl?: readonly [string, string, string, string, string];
  /** Singular forms that break the pattern (мать → матери). */
  sg?: Partial<Forms>;
  /** Locative after в/на when it differs from the prepositional (в саду, в лесу). */
  loc?: string;
}

export interface NounParadigm {
  sg: Forms;
  pl: Forms;
  /** The form after locative в/на. */
  loc: string;
}

const ENDINGS: Record<Exclude<NounClass, 'indecl'>, { strip: number; sg: readonly string[]; pl: readonly string[] }> = {
  // sg: nom gen dat acc(inanimate) ins prep;  pl: nom gen dat ins prep
  m: { strip: 0, sg: ['', 'а', 'у', '', 'ом', 'е'], pl: ['ы', 'ов', 'ам', 'ами', 'ах'] },
  'm-soft': { strip: 1, sg: ['ь', 'я', 'ю', 'ь', 'ем', 'е'], pl: ['и', 'ей', 'ям', 'ями', 'ях'] },
  'm-j': { strip: 1, sg: ['й', 'я', 'ю', 'й', 'ем', 'е'], pl: ['и', 'ев', 'ям', 'ями', 'ях'] },
  'f-a': { strip: 1, sg: ['а', 'ы', 'е', 'у', 'ой', 'е'], pl: ['ы', '', 'ам', 'ами', 'ах'] },
  'f-ja': { strip: 1, sg: ['я', 'и', 'е', 'ю', 'ей', 'е'], pl: ['и', 'ь', 'ям', 'ями', 'ях'] },
  'f-ija': { strip: 2, sg: ['ия', 'ии', 'ии', 'ию', 'ией', 'ии'], pl: ['ии', 'ий', 'иям', 'иями', 'иях'] },
  'f-soft': { strip: 1, sg: ['ь', 'и', 'и', 'ь', 'ью', 'и'], pl: ['и', 'ей', 'ям', 'ями', 'ях'] },
  'n-o': { strip: 1, sg: ['о', 'а', 'у', 'о', 'ом', 'е'], pl: ['а', '', 'ам', 'ами', 'ах'] },
  'n-e': { strip: 1, sg: ['е', 'я', 'ю', 'е', 'ем', 'е'], pl: ['я', 'ей', 'ям', 'ями', 'ях'] },
  'n-ie': { strip: 2, sg: ['ие', 'ия', 'ию', 'ие', 'ием', 'ии'], pl: ['ия', 'ий', 'иям', 'иями', 'иях'] },
};

/** Masculine-type classes take the genitive as accusative when animate; -а/-я nouns have their own accusative. */
const ACC_FOLLOWS_ANIMACY_SG = new Set<NounClass>(['m', 'm-soft', 'm-j']);

export function declineNoun(spec: NounSpec): NounParadigm {
  if (spec.cls === 'indecl') {
    const all = Object.fromEntries(CASES.map((c) => [c, spec.lemma])) as Forms;
    return { sg: all, pl: { ...all }, loc: spec.lemma };
  }
  const e = ENDINGS[spec.cls];
  const stem = spec.stem ?? spec.lemma.slice(0, spec.lemma.length - e.strip);
  const form = (ending: string) => {
    if (ending === '' || ending === 'ь') return stem + ending;
    // soft-stem instrumental under stress: учителем but словарём
    if (spec.stressed && ending === 'ем' && (spec.cls === 'm-soft' || spec.cls === 'm-j')) return stem + 'ём';
    return spell(stem, ending, spec.stressed);
  };
  const [, gen, dat, acc, ins, prep] = e.sg.map(form) as [string, string, string, string, string, string];
  const sg: Forms = {
    nom: spec.lemma,
    gen,
    dat,
    acc: ACC_FOLLOWS_ANIMACY_SG.has(spec.cls) ? (spec.animate ? gen : spec.lemma) : spec.cls === 'f-soft' || spec.cls.startsWith('n') ? spec.lemma : acc,
    ins,
    prep,
    ...spec.sg,
  };
  let plNom: string, plGen: string, plDat: string, plIns: string, plPrep: string;
  if (spec.pl) [plNom, plGen, plDat, plIns, plPrep] = spec.pl;
  else {
    [plNom, plGen, plDat, plIns, plPrep] = e.pl.map(form) as [string, string, string, string, string];
    if (spec.cls === 'm') {
      if (SIBILANT.test(stem)) plGen = stem + 'ей';
      else if (/ц$/.test(stem) && !spec.stressed) plGen = stem + 'ев';
    }
    if (spec.gpl) plGen = spec.gpl;
  }
  const pl: Forms = { nom: plNom, gen: plGen, dat: plDat, acc: spec.animate ? plGen : plNom, ins: plIns, prep: plPrep };
  return { sg, pl, loc: spec.loc ?? sg.prep };
}

// ---------------------------------------------------------------- adjectives

export interface AdjSpec {
  /** Masculine nominative singular: новый, молодой, синий, хороший. */
  lemma: string;
}

export type AdjParadigm = Record<Slot, Forms>;

const HARD_ADJ: Record<Slot, readonly string[]> = {
  // nom gen dat acc(inanimate) ins prep
  m: ['ый', 'ого', 'ому', 'ый', 'ым', 'ом'],
  n: ['ое', 'ого', 'ому', 'ое', 'ым', 'ом'],
  f: ['ая', 'ой', 'ой', 'ую', 'ой', 'ой'],
  pl: ['ые', 'ых', 'ым', 'ые', 'ыми', 'ых'],
};
const SOFT_ADJ: Record<Slot, readonly string[]> = {
  m: ['ий', 'его', 'ему', 'ий', 'им', 'ем'],
  n: ['ее', 'его', 'ему', 'ее', 'им', 'ем'],
  f: ['яя', 'ей', 'ей', 'юю', 'ей', 'ей'],
  pl: ['ие', 'их', 'им', 'ие', 'ими', 'их'],
};

/**
 * Long-form adjective declension from the masculine nominative. The lemma's ending tells the
 * type: -ой is stressed hard (молодой, большой), -ий after н is soft (синий), -ий after a velar
 * or hushing consonant is hard with spelling rules (русский, хороший), -ый is plain hard.
 * The masculine/plural accusative given here is the inanimate one; agreement picks the
 * genitive for animate nouns.
 */
export function declineAdjective(lemma: string): AdjParadigm {
  const stem = lemma.slice(0, -2);
  const ending = lemma.slice(-2);
  const soft = ending === 'ий' && !VELAR.test(stem) && !SIBILANT.test(stem);
  const stressed = ending === 'ой';
  const out = {} as AdjParadigm;
  for (const slot of ['m', 'n', 'f', 'pl'] as const) {
    const endings = soft ? SOFT_ADJ[slot] : HARD_ADJ[slot];
    const forms = endings.map((e) => (soft ? stem + e : spell(stem, e, stressed)));
    if (slot === 'm' && !soft) {
      forms[0] = stressed ? stem + 'ой' : spell(stem, 'ый');
      forms[3] = forms[0]!;
    }
    out[slot] = Object.fromEntries(CASES.map((c, i) => [c, forms[i]!])) as Forms;
  }
  return out;
}

// ---------------------------------------------------------------- determiners

/** Possessive and demonstrative determiners decline like adjectives but with their own endings. */
export type DeterminerParadigm = Record<Slot, Forms>;

function table(rows: Record<Slot, string>): DeterminerParadigm {
  const out = {} as DeterminerParadigm;
  for (const slot of ['m', 'n', 'f', 'pl'] as const) {
    const forms = rows[slot].split(' ');
    out[slot] = Object.fromEntries(CASES.map((c, i) => [c, forms[i]!])) as Forms;
  }
  return out;
}

/** мой / твой / свой: the stem plus -й, -его, -ему, ... */
function moj(stem: string): DeterminerParadigm {
  return table({
    m: `${stem}й ${stem}его ${stem}ему ${stem}й ${stem}им ${stem}ём`,
    n: `${stem}ё ${stem}его ${stem}ему ${stem}ё ${stem}им ${stem}ём`,
    f: `${stem}я ${stem}ей ${stem}ей ${stem}ю ${stem}ей ${stem}ей`,
    pl: `${stem}и ${stem}их ${stem}им ${stem}и ${stem}ими ${stem}их`,
  });
}

/** наш / ваш. */
function nash(stem: string): DeterminerParadigm {
  return table({
    m: `${stem} ${stem}его ${stem}ему ${stem} ${stem}им ${stem}ем`,
    n: `${stem}е ${stem}его ${stem}ему ${stem}е ${stem}им ${stem}ем`,
    f: `${stem}а ${stem}ей ${stem}ей ${stem}у ${stem}ей ${stem}ей`,
    pl: `${stem}и ${stem}их ${stem}им ${stem}и ${stem}ими ${stem}их`,
  });
}

function invariant(word: string): DeterminerParadigm {
  const all = Object.fromEntries(CASES.map((c) => [c, word])) as Forms;
  return { m: all, n: { ...all }, f: { ...all }, pl: { ...all } };
}

export const DETERMINERS = {
  moj: moj('мо'),
  svoj: moj('сво'),
  nash: nash('наш'),
  vash: nash('ваш'),
  etot: table({
    m: 'этот этого этому этот этим этом',
    n: 'это этого этому это этим этом',
    f: 'эта этой этой эту этой этой',
    pl: 'эти этих этим эти этими этих',
  }),
  ego: invariant('его'),
  eyo: invariant('её'),
  ih: invariant('их'),
} as const satisfies Record<string, DeterminerParadigm>;

/** The form of an agreeing word (adjective, determiner) for a noun of this slot, case and animacy. */
export function agree(p: Record<Slot, Forms>, slot: Slot, c: Case, animate: boolean): string {
  if (c === 'acc' && (slot === 'm' || slot === 'pl') && animate) return p[slot].gen;
  return p[slot][c];
}

// ---------------------------------------------------------------- verbs

/** Person/number index: я, ты, он/она/оно, мы, вы, они. */
export type Person = 0 | 1 | 2 | 3 | 4 | 5;

export type Conjugation =
  | 'aj' // читать: чита-ю, -ешь
  | 'ova' // рисовать: рису-ю
  | 'i2' // говорить: говор-ю, -ишь, -ят
  | 'e2'; // смотреть: смотр-ю, -ишь, -ят

export interface VerbSpec {
  inf: string;
  /** Regular present-tense pattern, or the six forms spelled out. */
  conj?: Conjugation;
  pres?: readonly [string, string, string, string, string, string];
  /** First person singular when a consonant alternates (люблю, вижу, готовлю). */
  sg1?: string;
  /** Past m, f, n, pl when not inf minus -ть plus -л (нашёл, принёс, помог). */
  past?: readonly [string, string, string, string];
}

export interface VerbParadigm {
  inf: string;
  pres: readonly [string, string, string, string, string, string];
  /** m, f, n, pl */
  past: readonly [string, string, string, string];
}

function reflexive(form: string): string {
  return form + (/[аеёиоуыэюя]$/.test(form) ? 'сь' : 'ся');
}

export function conjugate(spec: VerbSpec): VerbParadigm {
  const refl = /(ся|сь)$/.test(spec.inf);
  const inf = refl ? spec.inf.slice(0, -2) : spec.inf;
  let pres: string[];
  if (spec.pres) pres = [...spec.pres];
  else {
    switch (spec.conj) {
      case 'aj': {
        const s = inf.slice(0, -2);
        pres = ['ю', 'ешь', 'ет', 'ем', 'ете', 'ют'].map((e) => s + e);
        break;
      }
      case 'ova': {
        const s = inf.replace(/[ое]вать$/, '') + 'у';
        pres = ['ю', 'ешь', 'ет', 'ем', 'ете', 'ют'].map((e) => s + e);
        break;
      }
      case 'i2':
      case 'e2': {
        const s = inf.slice(0, -3);
        pres = ['ю', 'ишь', 'ит', 'им', 'ите', 'ят'].map((e) => spell(s, e));
        break;
      }
      default:
        throw new Error(`verb ${spec.inf}: give conj or pres`);
    }
    if (spec.sg1) pres[0] = spec.sg1;
  }
  let past: string[] = spec.past ? [...spec.past] : [...pastForms(inf)];
  if (refl && !spec.pres) pres = pres.map(reflexive);
  if (refl && !spec.past) past = past.map(reflexive);
  return { inf: spec.inf, pres: pres as unknown as VerbParadigm['pres'], past: past as unknown as VerbParadigm['past'] };
}

/** Past m, f, n, pl of a regular infinitive in -ть (читать → читал, читала, читало, читали). */
export function pastForms(inf: string): readonly [string, string, string, string] {
  if (!inf.endsWith('ть')) throw new Error(`past of '${inf}' is irregular: spell it out`);
  const s = inf.slice(0, -2);
  return [s + 'л', s + 'ла', s + 'ло', s + 'ли'];
}

/** Future of imperfective verbs: буду / будешь / ... + infinitive. */
export const BYT_FUTURE = ['буду', 'будешь', 'будет', 'будем', 'будете', 'будут'] as const;

/** Past-tense agreement slot of a subject. */
export function pastIndex(slot: Slot): 0 | 1 | 2 | 3 {
  return slot === 'm' ? 0 : slot === 'f' ? 1 : slot === 'n' ? 2 : 3;
}

/**
 * Prepositions take an extra vowel before some consonant clusters: со старым другом,
 * со мной, во время, во Франции.
 */
export function withPreposition(prep: 'в' | 'на' | 'с' | 'у' | 'к', word: string): string {
  const w = word.toLowerCase();
  const cluster = (first: string) => w.length > 1 && first.includes(w[0]!) && !'аеёиоуыэюя'.includes(w[1]!);
  if (prep === 'с' && (w === 'мной' || cluster('сзшжщ'))) return `со ${word}`;
  if (prep === 'в' && (w === 'мне' ? false : cluster('вф'))) return `во ${word}`;
  if (prep === 'к' && w === 'мне') return `ко ${word}`;
  return `${prep} ${word}`;
}
