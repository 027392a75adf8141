import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/model.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import { escapeMarkdown } from '../../src/report/escape.ts';
import type { ReportInput } from '../../src/report/input.ts';
import { reportInput } from './fixtures.ts';

/** Every payload carries PWNED so that the lines data reached can be found in the rendered report. */
const PAYLOADS = [
  '# PWNED heading',
  'PWNED first line\n## PWNED second-line heading\n',
  '[PWNED link](javascript:alert(1))',
  '![PWNED image](javascript:alert(1))',
  '<img src=x onerror=alert("PWNED")>',
  '<script>alert("PWNED")</script>',
  'PWNED | cell break \\| backslash pipe \\',
  '- PWNED list item',
  '<javascript:alert(1)> PWNED autolink',
  '&lt;b&gt;PWNED entity&#x3C;',
  '[PWNED ref]: javascript:alert(1)',
  '1. PWNED ordered list',
  '> PWNED quote',
  '*PWNED emphasis* __strong__ `code` ~~strike~~',
  '<!-- PWNED comment -->',
  '[PWNED]',
] as const;

/** The fixture report with a hostile string (or plain text) in every data-derived field the template shows. */
function hostileInput(payload: (i: number) => string = (i) => PAYLOADS[i % PAYLOADS.length]!): ReportInput {
  const input = reportInput([{ task: 'translation', family: 'gpt2', synthetic: true }]);
  let k = 0;
  const next = () => payload(k++);
  for (const t of input.tests) {
    const e = t.meta?.experiment;
    if (e) {
      e.label = next();
      e.profile = next();
      e.hyperparameters = { lr: next() };
      e.model.name = next();
      (e.model as { origin: string }).origin = next();
      e.model.random_init = true;
      e.data.dataset = next();
      e.data.origin = next();
      e.params.formula = next();
      e.inference.options = { strategy: next() };
      e.per_domain = e.per_domain.map((d) => ({ ...d, domain: next() }));
      e.examples = PAYLOADS.map((_, i) => ({
        id: payload(i + 3),
        domain: payload(i + 5),
        source: payload(i),
        reference: payload(i + 1),
        prediction: payload(i + 2),
      }));
      e.env = { ...e.env, cpu: next(), platform: next(), git_commit: next() };
    }
    const s = t.meta?.skipped;
    if (s) {
      s.label = next();
      s.reason = next();
    }
    const d = t.meta?.decoding;
    if (d) d.rows = d.rows.map((r) => ({ ...r, label: next(), strategy: next(), options: { x: next() } }));
  }
  // Failed tests inside and outside a block are listed with their first error line.
  input.tests.push({
    file: 'suites/translation/translation.test.ts',
    path: ['translation · gpt2', payload(0), payload(1)],
    state: 'failed',
    errors: [payload(2)],
    duration_ms: 1,
  });
  input.tests.push({ file: 'test/other.test.ts', path: [payload(7), payload(12)], state: 'failed', errors: [payload(10)], duration_ms: 1 });
  input.bench = PAYLOADS.map((_, i) => ({ group: payload(i), name: payload(i + 1), mean_ms: 1, hz: 1000, rme: 1, samples: 10 }));
  input.generated_at = payload(4);
  return input;
}

/** Pipes that separate table cells: those not escaped by an odd run of backslashes. */
function cellSeparators(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '|') continue;
    let slashes = 0;
    for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) slashes++;
    if (slashes % 2 === 0) n++;
  }
  return n;
}

/** `]` that is not backslash-escaped, followed by what would make it close a link, image or definition. */
const LIVE_LINK_CLOSE = /(?<!\\)(?:\\\\)*\][([:]/g;

describe('REPORT.md escapes data-derived text', () => {
  const md = renderMarkdown(buildReport(hostileInput()).view);
  const lines = md.split('\n');
  const reached = lines.filter((l) => l.includes('PWNED'));

  it('the hostile strings reach the report (as text)', () => {
    // Tables, lists, headings of section 6, examples, failures, benchmarks, banners, the header line.
    expect(reached.length).toBeGreaterThan(40);
    expect(md).toContain('&lt;script>alert("PWNED")&lt;/script>');
    expect(md).toContain('&lt;img src=x onerror=alert("PWNED")>');
    expect(md).toContain('&amp;lt;b&amp;gt;PWNED entity&amp;#x3C;');
  });

  it('no HTML tag, comment or autolink survives', () => {
    expect(md).not.toMatch(/<[A-Za-z/!?]/);
  });

  it('no link, image or reference definition comes from data', () => {
    for (const m of md.matchAll(LIVE_LINK_CLOSE)) {
      // The template's own: contents links (#anchors) and chart images (report-assets/…).
      const after = md.slice(m.index!, m.index! + 20);
      expect(after, md.slice(Math.max(0, m.index! - 60), m.index! + 40)).toMatch(/^\]\((#|report-assets\/)/);
    }
    const images = [...md.matchAll(/!\[([^\n]*?)\]\(report-assets/g)].map((m) => m[1]);
    for (const alt of images) expect(alt).not.toMatch(/(?<!\\)\]/);
  });

  it('no heading, list, quote or other block starts where data begins', () => {
    for (const line of reached) {
      // Strip what the template itself puts at a line start (a list item, the banners' quote).
      const rest = line.replace(/^(- |> |#{1,6} )/, '');
      expect(rest, line).not.toMatch(/^\s{0,3}(#{1,6}(\s|$)|>|[-+*]\s|\d{1,9}[.)](\s|$)|\[)/);
    }
    // Headings are exactly the template's (data appears in some block titles, escaped).
    const headings = (text: string) =>
      text
        .split('\n')
        .filter((l) => /^#{1,6}\s/.test(l))
        .map((l) => l.split(' ')[0]);
    const benign = renderMarkdown(buildReport(hostileInput((i) => `plain text ${i}`)).view);
    expect(headings(md)).toEqual(headings(benign));
  });

  it('no emphasis, code span or strikethrough is opened by data', () => {
    expect(md).toContain('\\*PWNED emphasis\\* \\_\\_strong\\_\\_ \\`code\\` \\~\\~strike\\~\\~');
    expect(md).not.toMatch(/(?<!\\)\*PWNED emphasis|(?<!\\)__strong|(?<!\\)`code|(?<!\\)~~strike/);
  });

  it('table rows keep their column count', () => {
    let header = -1;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        header = -1;
        continue;
      }
      const n = cellSeparators(line);
      if (header < 0) header = n;
      else expect(n, line).toBe(header);
    }
  });
});

describe('escapeMarkdown', () => {
  /** What a CommonMark renderer shows for escaped text: backslash escapes and the entities used here undone. */
  const shown = (s: string) =>
    s
      .replace(/\\([!-/:-@[-`{-~])/g, '$1')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');

  it('shows every string as written (line breaks as spaces)', () => {
    for (const p of [...PAYLOADS, 'p < 0.05', 'R&D', 'a_b*c', '\\', '12.00 [11.50, 12.50]', 'x]', ''])
      expect(shown(escapeMarkdown(p)), p).toBe(p.replace(/\r\n?|\n/g, ' '));
  });

  it('leaves ordinary text alone', () => {
    expect(escapeMarkdown('LoRA r=8 α=16 (p < 0.05), chrF 12.00 [11.50, 12.50]; everyday (Tatoeba)')).toBe(
      'LoRA r=8 α=16 (p < 0.05), chrF 12.00 [11.50, 12.50]; everyday (Tatoeba)',
    );
    expect(escapeMarkdown(null)).toBe('');
    expect(escapeMarkdown(42)).toBe('42');
  });

  it('escapes block markers at the start, and only there', () => {
    expect(escapeMarkdown('# a # b')).toBe('\\# a # b');
    expect(escapeMarkdown('- a - b')).toBe('\\- a - b');
    expect(escapeMarkdown('12. a 3. b')).toBe('12\\. a 3. b');
    expect(escapeMarkdown('> a > b')).toBe('\\> a > b');
  });
});
