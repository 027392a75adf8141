// Nothing outside plugins/ names a PEFT method: code that needs something of a method (the baseline
// the report compares against, a summary line, a bench setting, the default method) asks the
// registered plugins for it, so adding or removing a method touches its folder and plugins/index.ts
// only. The check reads string literals through TypeScript's parser, so comments and prose in
// longer strings do not count.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ALL_PLUGINS } from '../../plugins/index.ts';
import { sourceFiles } from '../helpers/sourceFiles.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The folders that must not name a method (plugins/ is where methods are named). */
const SCANNED = ['src', 'bench', 'suites', 'reporters'];

const SOURCE = /\.(ts|mts)$/;

/** A literal equal to a method name that is something else there, with why. */
interface Allowed {
  file: string;
  literal: string;
  reason: string;
}

const ALLOWED: readonly Allowed[] = [
  {
    file: 'src/experiment/profile.ts',
    literal: 'full',
    reason: 'the `full` profile (experiment sizes), not full fine-tuning',
  },
  {
    file: 'src/experiment/baseModels.ts',
    literal: 'full',
    reason: "the `full` profile, which requires the user's pretrained models",
  },
];

interface Literal {
  file: string;
  line: number;
  text: string;
}

/** Every string literal of `text` (plain, template without substitutions, literal types, keys in quotes). */
function stringLiterals(file: string, text: string): Literal[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      out.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** `file:line 'name'` for every literal equal to a method name that ALLOWED does not cover. */
function methodNameLiterals(literals: readonly Literal[], names: ReadonlySet<string>, allowed: readonly Allowed[]): string[] {
  return literals
    .filter((l) => names.has(l.text) && !allowed.some((a) => a.file === l.file && a.literal === l.text))
    .map((l) => `${l.file}:${l.line} '${l.text}'`);
}

const METHOD_NAMES = new Set(ALL_PLUGINS.map((p) => p.name));
const files = SCANNED.flatMap((dir) => sourceFiles(dir, SOURCE));
const literals = files.flatMap((f) => stringLiterals(f, readFileSync(path.join(ROOT, f), 'utf8')));

describe('method names', () => {
  it('finds the sources, their string literals and the methods', () => {
    // A broken scan (wrong root, a parser that sees nothing) must not pass as "no method named".
    expect(files.length).toBeGreaterThan(150);
    expect(literals.length).toBeGreaterThan(5000);
    for (const root of SCANNED)
      expect(
        files.some((f) => f.startsWith(root + '/')),
        root,
      ).toBe(true);
    expect(METHOD_NAMES.size).toBe(ALL_PLUGINS.length);
  });

  it('the check sees literals, not comments or prose, and honours the allowlist', () => {
    const text = [
      "// 'lora' in a comment",
      "const a = 'lora';",
      'const b = `full`;',
      "type M = 'ia3' | 'other';",
      "const c = { 'qlora': 1, lora: 2 };",
      "const d = 'lora r=8';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the scanned source text holds a template literal
      'const e = `${a}`;',
    ].join('\n');
    const found = stringLiterals('src/x.ts', text);
    expect(methodNameLiterals(found, new Set(['lora', 'full', 'ia3', 'qlora']), [])).toEqual([
      "src/x.ts:2 'lora'",
      "src/x.ts:3 'full'",
      "src/x.ts:4 'ia3'",
      "src/x.ts:5 'qlora'",
    ]);
    const allowed = [{ file: 'src/x.ts', literal: 'full', reason: 'test' }];
    expect(methodNameLiterals(found, new Set(['full']), allowed)).toEqual([]);
  });

  it('no source outside plugins/ names a PEFT method', () => {
    expect(methodNameLiterals(literals, METHOD_NAMES, ALLOWED)).toEqual([]);
  });

  it('every allowlist entry is still needed', () => {
    const stale = ALLOWED.filter((a) => !literals.some((l) => l.file === a.file && l.text === a.literal));
    expect(stale.map((a) => `${a.file} '${a.literal}' (${a.reason})`)).toEqual([]);
  });
});
