import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/random.ts';
import { generateNewsItems, NEWS_FRAMES, generateNewsItem } from '../../src/data/synthetic/news.ts';
import { lexiconSize } from '../../src/data/synthetic/lexicon.ts';
import { CASES, conjugate, declineAdjective, declineNoun, withPreposition, type NounSpec } from '../../src/data/synthetic/russian.ts';
import { generateSentence, generateTranslationPairs, PATTERN_NAMES } from '../../src/data/synthetic/translation.ts';

// Reference paradigms as any Russian grammar tables them (nom gen dat acc ins prep).
const row = (forms: Record<string, string>) => CASES.map((c) => forms[c]).join(' ');

describe('Russian inflection engine', () => {
  const noun = (spec: Partial<NounSpec> & Pick<NounSpec, 'lemma' | 'cls' | 'gender'>) => declineNoun({ animate: false, ...spec });

  it('declines the regular noun classes', () => {
    const kniga = noun({ lemma: 'книга', cls: 'f-a', gender: 'f', gpl: 'книг' });
    expect(row(kniga.sg)).toBe('книга книги книге книгу книгой книге');
    expect(row(kniga.pl)).toBe('книги книг книгам книги книгами книгах');
    const stol = noun({ lemma: 'стол', cls: 'm', gender: 'm' });
    expect(row(stol.sg)).toBe('стол стола столу стол столом столе');
    expect(row(stol.pl)).toBe('столы столов столам столы столами столах');
    expect(row(noun({ lemma: 'музей', cls: 'm-j', gender: 'm' }).pl)).toBe('музеи музеев музеям музеи музеями музеях');
    expect(row(noun({ lemma: 'окно', cls: 'n-o', gender: 'n', gpl: 'окон' }).pl)).toBe('окна окон окнам окна окнами окнах');
    expect(row(noun({ lemma: 'дверь', cls: 'f-soft', gender: 'f' }).sg)).toBe('дверь двери двери дверь дверью двери');
    expect(row(noun({ lemma: 'море', cls: 'n-e', gender: 'n' }).sg)).toBe('море моря морю море морем море');
    expect(row(noun({ lemma: 'здание', cls: 'n-ie', gender: 'n' }).sg)).toBe('здание здания зданию здание зданием здании');
    expect(row(noun({ lemma: 'станция', cls: 'f-ija', gender: 'f' }).pl)).toBe('станции станций станциям станции станциями станциях');
    expect(row(noun({ lemma: 'неделя', cls: 'f-ja', gender: 'f' }).sg)).toBe('неделя недели неделе неделю неделей неделе');
  });

  it('applies animacy to the accusative and the spelling rules', () => {
    const student = declineNoun({ lemma: 'студент', cls: 'm', gender: 'm', animate: true });
    expect(student.sg.acc).toBe('студента');
    expect(student.pl.acc).toBe('студентов');
    const muzhchina = declineNoun({ lemma: 'мужчина', cls: 'f-a', gender: 'm', animate: true, gpl: 'мужчин' });
    expect(muzhchina.sg.acc).toBe('мужчину'); // declension class, not gender, decides
    expect(declineNoun({ lemma: 'улица', cls: 'f-a', gender: 'f', animate: false }).sg.ins).toBe('улицей'); // unstressed о → е after ц
    const nozh = declineNoun({ lemma: 'нож', cls: 'm', gender: 'm', animate: false, stressed: true });
    expect([nozh.sg.ins, nozh.pl.nom, nozh.pl.gen]).toEqual(['ножом', 'ножи', 'ножей']);
    expect(declineNoun({ lemma: 'мальчик', cls: 'm', gender: 'm', animate: true }).pl.nom).toBe('мальчики'); // ы → и after к
    expect(declineNoun({ lemma: 'сад', cls: 'm', gender: 'm', animate: false, loc: 'саду' }).loc).toBe('саду');
  });

  it('declines adjectives of every type', () => {
    const t = (lemma: string, slot: 'm' | 'n' | 'f' | 'pl') => row(declineAdjective(lemma)[slot]);
    expect(t('новый', 'f')).toBe('новая новой новой новую новой новой');
    expect(t('новый', 'm')).toBe('новый нового новому новый новым новом');
    expect(t('синий', 'f')).toBe('синяя синей синей синюю синей синей');
    expect(t('синий', 'n')).toBe('синее синего синему синее синим синем');
    expect(t('хороший', 'm')).toBe('хороший хорошего хорошему хороший хорошим хорошем');
    expect(t('большой', 'm')).toBe('большой большого большому большой большим большом');
    expect(t('русский', 'pl')).toBe('русские русских русским русские русскими русских');
    expect(t('молодой', 'n')).toBe('молодое молодого молодому молодое молодым молодом');
  });

  it('conjugates the regular patterns and reflexives', () => {
    expect(conjugate({ inf: 'читать', conj: 'aj' }).pres.join(' ')).toBe('читаю читаешь читает читаем читаете читают');
    expect(conjugate({ inf: 'говорить', conj: 'i2' }).pres.join(' ')).toBe('говорю говоришь говорит говорим говорите говорят');
    expect(conjugate({ inf: 'видеть', conj: 'e2', sg1: 'вижу' }).pres.join(' ')).toBe('вижу видишь видит видим видите видят');
    expect(conjugate({ inf: 'рисовать', conj: 'ova' }).pres[2]).toBe('рисует');
    const uchitsya = conjugate({ inf: 'учиться', conj: 'i2' });
    expect(uchitsya.pres.join(' ')).toBe('учусь учишься учится учимся учитесь учатся');
    expect(uchitsya.past.join(' ')).toBe('учился училась училось учились');
  });

  it('adds the extra vowel to prepositions before clusters', () => {
    expect(withPreposition('с', 'старым')).toBe('со старым');
    expect(withPreposition('с', 'сестрой')).toBe('с сестрой');
    expect(withPreposition('с', 'мной')).toBe('со мной');
    expect(withPreposition('в', 'Франции')).toBe('во Франции');
    expect(withPreposition('в', 'вашем')).toBe('в вашем');
  });
});

describe('synthetic English→Russian pairs', () => {
  const pairs = generateTranslationPairs(3000, 11);

  it('is deterministic by seed, distinct, and labelled synthetic', () => {
    expect(generateTranslationPairs(50, 11)).toEqual(pairs.slice(0, 50));
    expect(generateTranslationPairs(50, 12).map((p) => p.source)).not.toEqual(pairs.slice(0, 50).map((p) => p.source));
    expect(new Set(pairs.map((p) => p.source)).size).toBe(pairs.length);
    expect(pairs.every((p) => p.domain === 'synthetic' && p.task === 'translation' && p.id.startsWith('synthetic-en-ru-11-'))).toBe(true);
  });

  it('draws on a few hundred lexicon entries and covers every sentence pattern', () => {
    expect(lexiconSize()).toBeGreaterThanOrEqual(250);
    const rng = createRng('patterns');
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(generateSentence(rng).pattern.replace(/-(present|past|future|negated|frequency|have|object)$/, ''));
    for (const name of PATTERN_NAMES) {
      const stem = {
        transitive: 'transitive',
        location: 'location',
        negated: 'negated',
        question: 'yes-no-question',
        whereQuestion: 'where-question',
        ditransitive: 'ditransitive',
        companion: 'companion',
        have: 'have',
        numerals: 'numeral',
        like: 'like',
        predicate: 'predicate-adjective',
        compound: 'compound',
      }[name];
      expect(stem, name).toBeDefined();
      expect(
        [...seen].some((p) => p.startsWith(stem!)),
        name,
      ).toBe(true);
    }
  });

  it('well-formed text on both sides', () => {
    for (const p of pairs) {
      expect(p.source).toMatch(/^[A-Z][A-Za-z ,']+[.?]$/);
      expect(p.target).toMatch(/^[А-ЯЁ][а-яёА-ЯЁ ,-]+[.?]$/);
      expect(p.source.endsWith('?')).toBe(p.target.endsWith('?'));
    }
  });

  // Independent checks from Russian grammar: the verb after a personal-pronoun subject.
  const PRESENT: Record<string, RegExp> = {
    я: /(ю|у|юсь|усь|ем)$/,
    мы: /(ем|ём|им|емся|имся)$/,
    вы: /(ете|ёте|ите|етесь|итесь)$/,
    они: /(ют|ут|ят|ат|ются|утся|ятся|атся)$/,
    он: /(ет|ёт|ит|ется|ится|ест)$/,
    она: /(ет|ёт|ит|ется|ится|ест)$/,
  };
  const PAST: Record<string, RegExp> = {
    я: /(л|ла|лся|лась|ёс|ог)$/,
    он: /(л|лся|ёс|ог)$/,
    она: /(ла|лась)$/,
    мы: /(ли|лись)$/,
    вы: /(ли|лись)$/,
    они: /(ли|лись)$/,
  };

  function subjectAndVerb(ru: string): [string, string] | undefined {
    const words = ru.replace(/[.,?]/g, '').toLowerCase().split(' ');
    const i = words.findIndex((w) => w in PRESENT);
    if (i < 0) return undefined;
    const verb = words[i + 1] === 'не' ? words[i + 2] : words[i + 1];
    return verb ? [words[i]!, verb] : undefined;
  }

  it('verbs agree with pronoun subjects in person/number (present) and gender/number (past)', () => {
    const rng = createRng('agreement');
    let present = 0;
    let past = 0;
    for (let i = 0; i < 4000; i++) {
      const s = generateSentence(rng);
      const sv = subjectAndVerb(s.ru);
      if (!sv) continue;
      const [subj, verb] = sv;
      if (/^(transitive|location|companion|negated)-present$/.test(s.pattern) || s.pattern === 'yes-no-question') {
        expect(verb, s.ru).toMatch(PRESENT[subj]!);
        present++;
      } else if (/^(location|companion|negated)-past$/.test(s.pattern) || s.pattern === 'transitive-past') {
        expect(verb, s.ru).toMatch(PAST[subj]!);
        past++;
      }
    }
    expect(present).toBeGreaterThan(200);
    expect(past).toBeGreaterThan(150);
  });

  it('numerals govern their phrase: 2–4 with feminine nouns take nominative plural adjectives, others genitive plural', () => {
    const rng = createRng('numerals');
    let checked = 0;
    for (let i = 0; i < 6000; i++) {
      const s = generateSentence(rng);
      if (!s.pattern.startsWith('numeral')) continue;
      const m = /(?:^| )(два|две|три|четыре|пять|шесть|семь|восемь|десять) (\S+) (\S+)\.$/.exec(s.ru);
      if (!m) continue; // no adjective in this one
      const [, num, adj] = m;
      if (num === 'две') expect(adj, s.ru).toMatch(/(ые|ие)$/);
      else if (num === 'два') expect(adj, s.ru).toMatch(/(ых|их)$/);
      else if (!['три', 'четыре'].includes(num!)) expect(adj, s.ru).toMatch(/(ых|их)$/);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('нравится agrees in number with the thing liked', () => {
    const rng = createRng('like');
    let checked = 0;
    for (let i = 0; i < 6000; i++) {
      const s = generateSentence(rng);
      if (s.pattern !== 'like-present') continue;
      if (/ these /.test(s.en)) expect(s.ru, s.en).toContain('нравятся');
      if (/ this /.test(s.en)) expect(s.ru, s.en).toContain('нравится');
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('synthetic news', () => {
  const items = generateNewsItems(400, 5);

  it('is deterministic, distinct and labelled synthetic', () => {
    expect(generateNewsItems(20, 5)).toEqual(items.slice(0, 20));
    expect(new Set(items.map((e) => e.source)).size).toBe(items.length);
    expect(items.every((e) => e.domain === 'synthetic' && e.task === 'summarization')).toBe(true);
  });

  it('covers every event frame', () => {
    const rng = createRng('frames');
    const frames = new Set(Array.from({ length: 400 }, () => generateNewsItem(rng).frame));
    expect([...frames].sort()).toEqual([...NEWS_FRAMES].sort());
  });

  it('every number and name in a summary is supported by its article', () => {
    for (const e of items) {
      for (const n of e.target.match(/\d[\d,]*/g) ?? []) expect(e.source, e.target).toContain(n);
      for (const name of e.target.match(/\b[A-Z][a-z]+ [A-Z][a-z]+\b/g) ?? []) {
        if (/^(Storm|The|Scientists|University) /.test(name)) continue;
        expect(e.source, e.target).toContain(name);
      }
      expect(e.target.length).toBeLessThan(e.source.length / 2);
    }
  });
});
