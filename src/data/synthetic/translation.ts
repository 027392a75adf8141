import { createRng, type Rng } from '../../engine/random.ts';
import type { Example } from '../types.ts';
import { ADJECTIVES, NOUNS, NUMBERS, TIMES, VERBS, type Adjective, type Noun, type Place, type Tag, type Verb } from './lexicon.ts';
import {
  agree,
  BYT_FUTURE,
  conjugate,
  declineAdjective,
  declineNoun,
  DETERMINERS,
  pastIndex,
  withPreposition,
  type Case,
  type DeterminerParadigm,
  type Forms,
  type NounParadigm,
  type Person,
  type Slot,
  type VerbParadigm,
} from './russian.ts';

/**
 * The synthetic English→Russian task: sentences built from the lexicon by a small grammar, with
 * the Russian side inflected for agreement — adjective and determiner with noun in gender,
 * number, case and animacy; verb with subject in person and number (present) or gender and
 * number (past); genitive after numerals and нет; dative of the experiencer with нравиться;
 * reflexive свой when the possessor is the subject. Every example is labelled domain
 * 'synthetic'. It exists so that a fresh clone without data still runs end to end; it is not a
 * substitute for real text.
 */

export interface GeneratedSentence {
  en: string;
  ru: string;
  pattern: string;
}

// Precomputed paradigms: the generator runs in a loop and the lexicon is fixed.
const NOUN_FORMS = new Map<Noun, NounParadigm>(NOUNS.map((n) => [n, declineNoun(n.ru)]));
const ADJ_FORMS = new Map<Adjective, Record<Slot, Forms>>(ADJECTIVES.map((a) => [a, declineAdjective(a.ru)]));
const VERB_FORMS = new Map<Verb, VerbParadigm>(VERBS.map((v) => [v, conjugate(v.ru)]));
const PF_FORMS = new Map<Verb, VerbParadigm>(VERBS.flatMap((v) => (v.pf ? [[v, conjugate(v.pf)] as const] : [])));

/** Who owns a possessive, to decide between его/её/мой… and reflexive свой. */
type Owner = 'p0' | 'p3' | 'p4' | 'p5' | '3m' | '3f' | '3n';

interface Possessive {
  en: string;
  ru: DeterminerParadigm;
  owner: Owner;
}

const POSSESSIVES: readonly Possessive[] = [
  { en: 'my', ru: DETERMINERS.moj, owner: 'p0' },
  { en: 'your', ru: DETERMINERS.vash, owner: 'p4' },
  { en: 'his', ru: DETERMINERS.ego, owner: '3m' },
  { en: 'her', ru: DETERMINERS.eyo, owner: '3f' },
  { en: 'our', ru: DETERMINERS.nash, owner: 'p3' },
  { en: 'their', ru: DETERMINERS.ih, owner: 'p5' },
];

type Det = { kind: 'none' } | { kind: 'a' } | { kind: 'the' } | { kind: 'this' } | { kind: 'poss'; poss: Possessive };

/** A noun phrase: English text and a Russian form for any case. */
interface NP {
  en: string;
  /** Russian in case `c`; `owner` is the clause subject's, for свой. `loc` gives the в/на locative. */
  ru(c: Case | 'loc', owner?: Owner): string;
  slot: Slot;
  animate: boolean;
  plural: boolean;
  /** English agreement person: 3 for nouns, else the pronoun's. */
  enPerson: 'I' | 'you' | '3sg' | 'pl';
  person: Person;
  owner: Owner;
  pronoun: boolean;
}

interface Pronoun {
  en: string;
  enObj: string;
  person: Person;
  slot: Slot | 'mf';
  owner: Owner;
  ru: Forms;
  /** After a preposition 3rd-person pronouns take н-: у него, с ней. */
  afterPrep?: Partial<Forms>;
}

const PRONOUNS: readonly Pronoun[] = [
  { en: 'I', enObj: 'me', person: 0, slot: 'mf', owner: 'p0', ru: { nom: 'я', gen: 'меня', dat: 'мне', acc: 'меня', ins: 'мной', prep: 'мне' } },
  { en: 'you', enObj: 'you', person: 4, slot: 'pl', owner: 'p4', ru: { nom: 'вы', gen: 'вас', dat: 'вам', acc: 'вас', ins: 'вами', prep: 'вас' } },
  {
    en: 'he',
    enObj: 'him',
    person: 2,
    slot: 'm',
    owner: '3m',
    ru: { nom: 'он', gen: 'его', dat: 'ему', acc: 'его', ins: 'им', prep: 'нём' },
    afterPrep: { gen: 'него', dat: 'нему', acc: 'него', ins: 'ним' },
  },
  {
    en: 'she',
    enObj: 'her',
    person: 2,
    slot: 'f',
    owner: '3f',
    ru: { nom: 'она', gen: 'её', dat: 'ей', acc: 'её', ins: 'ей', prep: 'ней' },
    afterPrep: { gen: 'неё', dat: 'ней', acc: 'неё', ins: 'ней' },
  },
  { en: 'we', enObj: 'us', person: 3, slot: 'pl', owner: 'p3', ru: { nom: 'мы', gen: 'нас', dat: 'нам', acc: 'нас', ins: 'нами', prep: 'нас' } },
  {
    en: 'they',
    enObj: 'them',
    person: 5,
    slot: 'pl',
    owner: 'p5',
    ru: { nom: 'они', gen: 'их', dat: 'им', acc: 'их', ins: 'ими', prep: 'них' },
    afterPrep: { gen: 'них', dat: 'ним', acc: 'них', ins: 'ними' },
  },
];

const hasTag = (n: Noun, tags: readonly Tag[]) => n.tags.some((t) => tags.includes(t));
const nounsWith = (tags: readonly Tag[]) => NOUNS.filter((n) => hasTag(n, tags));
const PEOPLE = nounsWith(['person']);

function article(next: string): 'a' | 'an' {
  const w = next.toLowerCase();
  if (/^(uni|use|eu|one)/.test(w)) return 'a';
  if (/^(hour|honest)/.test(w)) return 'an';
  return /^[aeiou]/.test(w) ? 'an' : 'a';
}

function pronounNP(p: Pronoun, rng: Rng): NP {
  const slot: Slot = p.slot === 'mf' ? (rng.chance(0.5) ? 'm' : 'f') : p.slot;
  return {
    en: p.en,
    ru: (c) => (c === 'loc' ? p.ru.prep : p.ru[c]),
    slot,
    animate: true,
    plural: slot === 'pl',
    enPerson: p.en === 'I' ? 'I' : p.en === 'you' ? 'you' : slot === 'pl' ? 'pl' : '3sg',
    person: p.person,
    owner: p.owner,
    pronoun: true,
  };
}

/** The object form of a pronoun phrase in English (him, her, us). */
function enObject(np: NP): string {
  const p = PRONOUNS.find((x) => x.en === np.en);
  return np.pronoun && p ? p.enObj : np.en;
}

/** Russian pronoun after a preposition (у него, с ней). */
function ruAfterPrep(np: NP, c: Case, owner?: Owner): string {
  const p = np.pronoun ? PRONOUNS.find((x) => x.en === np.en) : undefined;
  return p?.afterPrep?.[c] ?? np.ru(c, owner);
}

function nounNP(noun: Noun, opts: { plural: boolean; det: Det; adj?: Adjective }): NP {
  const par = NOUN_FORMS.get(noun)!;
  const slot: Slot = opts.plural ? 'pl' : noun.ru.gender;
  const animate = noun.ru.animate;
  const enNoun = opts.plural ? noun.enPl : noun.en;
  const enAdj = opts.adj ? `${opts.adj.en} ` : '';
  let enDet = '';
  if (opts.det.kind === 'a') enDet = `${article(enAdj || enNoun)} `;
  else if (opts.det.kind === 'the') enDet = 'the ';
  else if (opts.det.kind === 'this') enDet = opts.plural ? 'these ' : 'this ';
  else if (opts.det.kind === 'poss') enDet = `${opts.det.poss.en} `;
  const det = opts.det;
  const adj = opts.adj ? ADJ_FORMS.get(opts.adj)! : undefined;
  return {
    en: `${enDet}${enAdj}${enNoun}`,
    ru: (c, owner) => {
      const k: Case = c === 'loc' ? 'prep' : c;
      const words: string[] = [];
      if (det.kind === 'this') words.push(agree(DETERMINERS.etot, slot, k, animate));
      if (det.kind === 'poss') {
        // Russian uses reflexive свой when the possessor is the clause subject.
        const reflexive = owner !== undefined && owner === det.poss.owner;
        words.push(agree(reflexive ? DETERMINERS.svoj : det.poss.ru, slot, k, animate));
      }
      if (adj) words.push(agree(adj, slot, k, animate));
      const forms = opts.plural ? par.pl : par.sg;
      words.push(c === 'loc' && !opts.plural ? par.loc : forms[k]);
      return words.join(' ');
    },
    slot,
    animate,
    plural: opts.plural,
    enPerson: opts.plural ? 'pl' : '3sg',
    person: opts.plural ? 5 : 2,
    owner: opts.plural ? 'p5' : (`3${noun.ru.gender}` as Owner),
    pronoun: false,
  };
}

function adjectiveFor(rng: Rng, noun: Noun, det: Det, p: number): Adjective | undefined {
  if (!rng.chance(p)) return undefined;
  const definite = det.kind === 'the' || det.kind === 'poss';
  const fits = ADJECTIVES.filter((a) => hasTag(noun, a.tags) && (!a.definite || definite));
  return fits.length ? rng.pick(fits) : undefined;
}

function pickDet(rng: Rng, plural: boolean, mass: boolean, weights: { a: number; the: number; this: number; poss: number; none: number }): Det {
  const options: Array<[Det['kind'], number]> = [
    ['a', plural || mass ? 0 : weights.a],
    ['the', weights.the],
    ['this', weights.this],
    ['poss', weights.poss],
    ['none', plural || mass ? weights.none + weights.a : 0],
  ];
  const total = options.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [kind, w] of options) {
    r -= w;
    if (r < 0) return kind === 'poss' ? { kind, poss: rng.pick(POSSESSIVES) } : ({ kind } as Det);
  }
  return { kind: 'the' };
}

const SUBJECT_DET = { a: 0.05, the: 0.4, this: 0.1, poss: 0.4, none: 0.05 };
const OBJECT_DET = { a: 0.4, the: 0.15, this: 0.15, poss: 0.3, none: 0.1 };

function makeNP(rng: Rng, candidates: readonly Noun[], weights = OBJECT_DET, pluralP = 0.3, adjP = 0.6): NP {
  const noun = rng.pick(candidates);
  const plural = !noun.mass && rng.chance(pluralP);
  const det = pickDet(rng, plural, !!noun.mass, weights);
  return nounNP(noun, { plural, det, adj: adjectiveFor(rng, noun, det, adjP) });
}

function subject(rng: Rng, pronounP = 0.4): NP {
  return rng.chance(pronounP) ? pronounNP(rng.pick(PRONOUNS), rng) : makeNP(rng, PEOPLE, SUBJECT_DET, 0.25, 0.5);
}

/** An object that is a personal pronoun other than the subject (sees her, helps us). */
function pronounObject(rng: Rng, subj: NP): NP | undefined {
  const others = PRONOUNS.filter((p) => p.owner !== subj.owner);
  return others.length ? pronounNP(rng.pick(others), rng) : undefined;
}

// ------------------------------------------------------------------ English verb agreement

function en3(subj: NP, v: { base: string; s3: string }): string {
  return subj.enPerson === '3sg' ? v.s3 : v.base;
}
const enHave = (s: NP) => (s.enPerson === '3sg' ? 'has' : 'have');
const enDo = (s: NP) => (s.enPerson === '3sg' ? 'does' : 'do');

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function sentence(en: string, ru: string, pattern: string, end = '.'): GeneratedSentence {
  return { en: capitalize(en) + end, ru: capitalize(ru) + end, pattern };
}

const join = (...parts: Array<string | undefined | false>) => parts.filter((p) => p).join(' ');

// ------------------------------------------------------------------ verb phrases

type Tense = 'present' | 'past' | 'future';

/**
 * Aspect: a transitive action in the English simple past or future is one completed event, so
 * it takes the perfective (прочитал, прочитает); habits, states, intransitive activities and
 * negated pasts (не читал) take the imperfective, whose future is буду + infinitive.
 */
function ruVerb(v: Verb, subj: NP, tense: Tense, perfective = false): string {
  const par = VERB_FORMS.get(v)!;
  const pf = perfective ? PF_FORMS.get(v) : undefined;
  if (tense === 'present') return par.pres[subj.person];
  if (tense === 'future') return pf ? pf.pres[subj.person] : `${BYT_FUTURE[subj.person]} ${par.inf}`;
  return (pf ?? par).past[pastIndex(subj.slot)];
}

function enVerb(v: Verb, subj: NP, tense: Tense): string {
  if (tense === 'present') return en3(subj, v.en);
  if (tense === 'future') return `will ${v.en.base}`;
  return v.en.past;
}

const withParticle = (v: Verb, obj: string) => (v.en.particle ? `${v.en.particle} ${obj}` : obj);

function timePhrase(rng: Rng, tense: Tense): { en: string; ru: string; front: boolean } | undefined {
  if (tense === 'present') {
    if (!rng.chance(0.4)) return undefined;
    const [en, ru] = rng.pick(TIMES.habitual);
    return { en, ru, front: false };
  }
  if (!rng.chance(0.6)) return undefined;
  const [en, ru] = rng.pick<readonly [string, string]>(tense === 'past' ? TIMES.past : TIMES.future);
  return { en, ru, front: true };
}

function pickTense(rng: Rng): Tense {
  const r = rng.next();
  return r < 0.45 ? 'present' : r < 0.8 ? 'past' : 'future';
}

/** Puts a time phrase where each language wants it: end in English, start in Russian for past/future. */
function withTime(enCore: string, ruSubj: string, ruRest: string, time: ReturnType<typeof timePhrase>): { en: string; ru: string } {
  if (!time) return { en: enCore, ru: join(ruSubj, ruRest) };
  return { en: `${enCore} ${time.en}`, ru: time.front ? join(time.ru, ruSubj, ruRest) : join(ruSubj, ruRest, time.ru) };
}

// ------------------------------------------------------------------ patterns

function objectFor(rng: Rng, v: Verb, subj: NP): NP {
  const tags = v.object!.tags;
  if (tags.includes('person') && rng.chance(0.2)) {
    const p = pronounObject(rng, subj);
    if (p) return p;
  }
  return makeNP(rng, nounsWith(tags));
}

function transitive(rng: Rng): GeneratedSentence {
  const v = rng.pick(VERBS.filter((x) => x.object && !x.recipient));
  const subj = subject(rng);
  const obj = objectFor(rng, v, subj);
  const c = v.object!.case;
  const tense = pickTense(rng);
  const ruObj = obj.ru(c, subj.owner);
  const enObj = withParticle(v, enObject(obj));
  if (tense === 'present' && rng.chance(0.3)) {
    const [fen, fru] = rng.pick(TIMES.frequency);
    return sentence(join(subj.en, fen, enVerb(v, subj, tense), enObj), join(subj.ru('nom'), fru, ruVerb(v, subj, tense), ruObj), 'transitive-frequency');
  }
  const time = timePhrase(rng, tense);
  const { en, ru } = withTime(join(subj.en, enVerb(v, subj, tense), enObj), subj.ru('nom'), join(ruVerb(v, subj, tense, true), ruObj), time);
  return sentence(en, ru, `transitive-${tense}`);
}

function negated(rng: Rng): GeneratedSentence {
  const v = rng.pick(VERBS.filter((x) => x.object && !x.recipient));
  const subj = subject(rng);
  const obj = objectFor(rng, v, subj);
  const past = rng.chance(0.4);
  const aux = past ? 'did' : enDo(subj);
  const en = join(subj.en, aux, 'not', v.en.base, withParticle(v, enObject(obj)));
  const ru = join(subj.ru('nom'), 'не', ruVerb(v, subj, past ? 'past' : 'present'), obj.ru(v.object!.case, subj.owner));
  return sentence(en, ru, past ? 'negated-past' : 'negated-present');
}

function question(rng: Rng): GeneratedSentence {
  const v = rng.pick(VERBS.filter((x) => x.object && !x.recipient));
  const subj = subject(rng);
  const obj = objectFor(rng, v, subj);
  const en = join(enDo(subj), subj.en, v.en.base, withParticle(v, enObject(obj)));
  const ru = join(subj.ru('nom'), ruVerb(v, subj, 'present'), obj.ru(v.object!.case, subj.owner));
  return sentence(en, ru, 'yes-no-question', '?');
}

function ditransitive(rng: Rng): GeneratedSentence {
  const v = rng.pick(VERBS.filter((x) => x.recipient));
  const subj = subject(rng);
  const obj = makeNP(rng, nounsWith(v.object!.tags), OBJECT_DET, 0.2, 0.5);
  const rec = rng.chance(0.25) ? (pronounObject(rng, subj) ?? makeNP(rng, PEOPLE)) : makeNP(rng, PEOPLE, { ...OBJECT_DET, poss: 0.5 }, 0.2, 0.4);
  const tense = pickTense(rng);
  const time = timePhrase(rng, tense);
  const { en, ru } = withTime(
    join(subj.en, enVerb(v, subj, tense), enObject(obj), 'to', enObject(rec)),
    subj.ru('nom'),
    join(ruVerb(v, subj, tense, true), obj.ru('acc', subj.owner), rec.ru('dat', subj.owner)),
    time,
  );
  return sentence(en, ru, `ditransitive-${tense}`);
}

function placePhrase(rng: Rng, v: Verb, owner: Owner): { en: string; ru: string; np: NP; prep: Place } {
  const places = NOUNS.filter((n) => n.place && hasTag(n, v.location!.tags));
  const noun = rng.pick(places);
  const det = pickDet(rng, false, false, { a: 0.35, the: 0.3, this: 0.1, poss: 0.25, none: 0 });
  const np = nounNP(noun, { plural: false, det, adj: adjectiveFor(rng, noun, det, 0.5) });
  const prep = v.location!.prep ?? noun.place!;
  return { en: `${prep.en} ${np.en}`, ru: withPreposition(prep.ru, np.ru('loc', owner)), np, prep };
}

function companionPhrase(rng: Rng, subj: NP, animals: boolean): { en: string; ru: string } {
  const pool = animals ? nounsWith(['person', 'animal']) : PEOPLE;
  const np = rng.chance(0.2) ? (pronounObject(rng, subj) ?? makeNP(rng, pool)) : makeNP(rng, pool, { ...OBJECT_DET, poss: 0.5 }, 0.2, 0.4);
  return { en: `with ${enObject(np)}`, ru: withPreposition('с', ruAfterPrep(np, 'ins', subj.owner)) };
}

function location(rng: Rng): GeneratedSentence {
  const v = rng.pick(VERBS.filter((x) => x.location));
  const subj = subject(rng);
  const place = placePhrase(rng, v, subj.owner);
  const tense = pickTense(rng);
  const comp = v.companion && rng.chance(0.4) ? companionPhrase(rng, subj, true) : undefined;
  const time = timePhrase(rng, tense);
  const { en, ru } = withTime(
    join(subj.en, enVerb(v, subj, tense), place.en, comp?.en),
    subj.ru('nom'),
    join(ruVerb(v, subj, tense), place.ru, comp?.ru),
    time,
  );
  return sentence(en, ru, `location-${tense}`);
}

function whereQuestion(rng: Rng): GeneratedSentence {
  const v = rng.pick(VERBS.filter((x) => x.location));
  const subj = subject(rng);
  const en = join('where', enDo(subj), subj.en, v.en.base);
  // Russian puts a noun subject after the verb in wh-questions, a pronoun before it.
  const verb = ruVerb(v, subj, 'present');
  const ru = subj.pronoun ? join('где', subj.ru('nom'), verb) : join('где', verb, subj.ru('nom'));
  return sentence(en, ru, 'where-question', '?');
}

function companion(rng: Rng): GeneratedSentence {
  const v = rng.pick(VERBS.filter((x) => x.companion));
  const subj = subject(rng);
  const tense = pickTense(rng);
  const comp = companionPhrase(rng, subj, v.en.base === 'walk' || v.en.base === 'play');
  const time = timePhrase(rng, tense);
  const { en, ru } = withTime(join(subj.en, enVerb(v, subj, tense), comp.en), subj.ru('nom'), join(ruVerb(v, subj, tense), comp.ru), time);
  return sentence(en, ru, `companion-${tense}`);
}

const HAVEABLE: readonly Tag[] = ['portable', 'animal', 'vehicle', 'furniture', 'clothes', 'device', 'kin'];

/** "у + genitive" for a possessor. */
function uPhrase(owner: NP): string {
  return withPreposition('у', ruAfterPrep(owner, 'gen'));
}

function have(rng: Rng): GeneratedSentence {
  const owner = subject(rng, 0.5);
  const candidates = nounsWith(HAVEABLE);
  const noun = rng.pick(candidates);
  const plural = !noun.mass && rng.chance(0.2);
  const det: Det = plural || noun.mass ? { kind: 'none' } : { kind: 'a' };
  const np = nounNP(noun, { plural, det, adj: adjectiveFor(rng, noun, det, 0.6) });
  const r = rng.next();
  if (r < 0.25) {
    // Negation takes the genitive: у меня нет машины.
    return sentence(join(owner.en, enDo(owner), 'not have', np.en), join(uPhrase(owner), 'нет', np.ru('gen')), 'have-negated');
  }
  if (r < 0.5) {
    // Past: the verb agrees with the thing possessed (у меня была машина).
    const was = ['был', 'была', 'было', 'были'][pastIndex(np.slot)];
    return sentence(join(owner.en, 'had', np.en), join(uPhrase(owner), was, np.ru('nom')), 'have-past');
  }
  return sentence(join(owner.en, enHave(owner), np.en), join(uPhrase(owner), 'есть', np.ru('nom')), 'have-present');
}

/**
 * Numeral phrases: 2–4 take the genitive singular noun (adjective genitive plural with masculine
 * and neuter nouns, nominative plural with feminine ones: два новых стола, две новые книги);
 * 5 and up take the genitive plural of both (пять новых книг).
 */
function numeralPhrase(rng: Rng, noun: Noun): { en: string; ru: string } {
  const [n, en, ruMN, ruF] = rng.pick(NUMBERS);
  const par = NOUN_FORMS.get(noun)!;
  const g = noun.ru.gender;
  const adj = adjectiveFor(rng, noun, { kind: 'none' }, 0.6);
  const adjForms = adj ? ADJ_FORMS.get(adj) : undefined;
  let ruAdj = '';
  let ruNoun: string;
  if (n <= 4) {
    ruNoun = par.sg.gen;
    if (adjForms) ruAdj = g === 'f' ? adjForms.pl.nom : adjForms.pl.gen;
  } else {
    ruNoun = par.pl.gen;
    if (adjForms) ruAdj = adjForms.pl.gen;
  }
  return { en: join(en, adj?.en, noun.enPl), ru: join(g === 'f' ? ruF : ruMN, ruAdj, ruNoun) };
}

function numerals(rng: Rng): GeneratedSentence {
  const owner = subject(rng, 0.5);
  if (rng.chance(0.5)) {
    const noun = rng.pick(nounsWith(HAVEABLE).filter((x) => !x.mass));
    const num = numeralPhrase(rng, noun);
    return sentence(join(owner.en, enHave(owner), num.en), join(uPhrase(owner), 'есть', num.ru), 'numeral-have');
  }
  // Inanimate accusative equals the nominative, so the same numeral phrase serves as an object.
  const v = VERBS.find((x) => x.en.base === 'buy')!;
  const noun = rng.pick(nounsWith(v.object!.tags).filter((x) => !x.mass && !x.ru.animate));
  const num = numeralPhrase(rng, noun);
  return sentence(join(owner.en, 'bought', num.en), join(owner.ru('nom'), ruVerb(v, owner, 'past', true), num.ru), 'numeral-object');
}

const LIKEABLE: readonly Tag[] = ['film', 'music', 'readable', 'food', 'drink', 'visitable', 'clothes', 'animal', 'eatery'];

function like(rng: Rng): GeneratedSentence {
  const experiencer = subject(rng, 0.5);
  const thing = makeNP(rng, nounsWith(LIKEABLE), { a: 0, the: 0.3, this: 0.35, poss: 0.35, none: 0.1 }, 0.3, 0.5);
  // нравиться agrees with the thing liked; the person liking is in the dative.
  const ruExp = experiencer.ru('dat');
  if (rng.chance(0.35)) {
    const verb = ['понравился', 'понравилась', 'понравилось', 'понравились'][pastIndex(thing.slot)];
    return sentence(join(experiencer.en, 'liked', thing.en), join(ruExp, verb, thing.ru('nom')), 'like-past');
  }
  const verb = thing.plural ? 'нравятся' : 'нравится';
  return sentence(join(experiencer.en, en3(experiencer, { base: 'like', s3: 'likes' }), thing.en), join(ruExp, verb, thing.ru('nom')), 'like-present');
}

function predicate(rng: Rng): GeneratedSentence {
  const noun = rng.pick(NOUNS.filter((n) => ADJECTIVES.some((a) => !a.definite && hasTag(n, a.tags))));
  const plural = !noun.mass && rng.chance(0.3);
  const det = pickDet(rng, plural, !!noun.mass, { a: 0, the: 0.45, this: 0.3, poss: 0.25, none: 0 });
  const np = nounNP(noun, { plural, det });
  const adj = rng.pick(ADJECTIVES.filter((a) => !a.definite && hasTag(noun, a.tags)));
  const very = rng.chance(0.25);
  const ruAdj = agree(ADJ_FORMS.get(adj)!, np.slot, 'nom', np.animate);
  return sentence(join(np.en, np.plural ? 'are' : 'is', very && 'very', adj.en), join(np.ru('nom'), very && 'очень', ruAdj), 'predicate-adjective');
}

function compound(rng: Rng): GeneratedSentence {
  const a = rng.chance(0.5) ? transitive(rng) : location(rng);
  const b = rng.chance(0.5) ? transitive(rng) : location(rng);
  const but = rng.chance(0.4);
  const strip = (s: string) => s.slice(0, -1);
  const lower = (s: string) => (s.startsWith('I ') ? s : s.charAt(0).toLowerCase() + s.slice(1));
  return {
    en: `${strip(a.en)}, ${but ? 'but' : 'and'} ${lower(b.en)}`,
    ru: `${strip(a.ru)}, ${but ? 'но' : 'а'} ${lower(b.ru)}`,
    pattern: 'compound',
  };
}

const PATTERNS: ReadonlyArray<[(rng: Rng) => GeneratedSentence, number]> = [
  [transitive, 0.24],
  [location, 0.14],
  [negated, 0.08],
  [question, 0.05],
  [whereQuestion, 0.03],
  [ditransitive, 0.08],
  [companion, 0.06],
  [have, 0.09],
  [numerals, 0.06],
  [like, 0.07],
  [predicate, 0.06],
  [compound, 0.04],
];

/** One sentence pair from a seeded generator. */
export function generateSentence(rng: Rng): GeneratedSentence {
  let r = rng.next() * PATTERNS.reduce((s, [, w]) => s + w, 0);
  for (const [fn, w] of PATTERNS) {
    r -= w;
    if (r < 0) return fn(rng);
  }
  return transitive(rng);
}

/** The names of all sentence patterns (for coverage checks). */
export const PATTERN_NAMES = PATTERNS.map(([fn]) => fn.name);

/**
 * `n` distinct English→Russian pairs, deterministic for a seed. Ids are
 * `synthetic-en-ru-<seed>-<i>`; every example has domain 'synthetic'.
 */
export function generateTranslationPairs(n: number, seed: number | string = 0): Example[] {
  const rng = createRng(seed, 'synthetic-translation');
  const seen = new Set<string>();
  const out: Example[] = [];
  for (let attempts = 0; out.length < n && attempts < n * 50 + 100; attempts++) {
    const s = generateSentence(rng);
    if (seen.has(s.en)) continue;
    seen.add(s.en);
    out.push({ id: `synthetic-en-ru-${seed}-${out.length}`, domain: 'synthetic', source: s.en, target: s.ru, task: 'translation' });
  }
  return out;
}
