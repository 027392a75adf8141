// Functions short enough to read at once (the developers' guide: at most ~60 lines): a longer one is
// split into named phases. The only exceptions are the models' forward passes, which follow the
// Hugging Face modeling code step for step; splitting them would lose that line-by-line
// correspondence, which is how they are checked against transformers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/sourceFiles.ts';

/** TypeScript sources, declaration files excluded. */
const TS_SOURCE = /(?<!\.d)\.ts$/;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Lines from a function's first line (its signature) to its closing brace, both included. */
const MAX_LINES = 60;

const SCANNED = ['src', 'plugins', 'bench', 'suites', 'reporters'];

/**
 * `file#Class.method` (or `file#function`) → why it may be longer than MAX_LINES. Only forward passes
 * of files under src/models/ belong here (the test checks that).
 */
const ALLOWED: Readonly<Record<string, string>> = {
  'src/models/gpt2/model.ts#GPT2LMHeadModel.forward':
    "GPT2Model.forward and the LM head of transformers, in their order (embeddings, mask, blocks, final norm, head, loss): kept whole so it reads against HF's code",
  'src/models/t5/model.ts#T5Stack.forward':
    "T5Stack.forward of transformers, in its order (masks, position bias, self/cross attention per block, final norm): kept whole so it reads against HF's code",
};

interface FunctionSpan {
  /** `file#name`, the name qualified by its class or enclosing function. */
  id: string;
  lines: number;
  /** 1-based line of the function's start. */
  line: number;
}

/** A function-like node's own name: its declared name, or the variable, property or class member it is assigned to. */
function nameOf(node: ts.SignatureDeclaration): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name) return parent.name.getText();
  return '<anonymous>';
}

/** Every function-like node with a body (declarations, methods, accessors, arrows, function expressions) in one file. */
function functionSpans(file: string, text: string): FunctionSpan[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node, scope: string[]): void => {
    let inner = scope;
    if (ts.isClassLike(node)) inner = [...scope, node.name?.getText() ?? '<class>'];
    else if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      inner = [...scope, nameOf(node)];
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      spans.push({ id: `${file}#${inner.join('.')}`, lines: end - start + 1, line: start + 1 });
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(source, []);
  return spans;
}

/** `file:line id (N lines)` for each function over MAX_LINES that ALLOWED does not name. */
function tooLong(spans: readonly FunctionSpan[], allowed: Readonly<Record<string, string>>): string[] {
  return spans.filter((s) => s.lines > MAX_LINES && !(s.id in allowed)).map((s) => `${s.id.split('#')[0]}:${s.line} ${s.id.split('#')[1]} (${s.lines} lines)`);
}

const files = SCANNED.flatMap((dir) => sourceFiles(dir, TS_SOURCE));
const spans = files.flatMap((f) => functionSpans(f, readFileSync(path.join(ROOT, f), 'utf8')));

describe('function length', () => {
  it('finds the sources and their functions', () => {
    // A broken scan (wrong root, a parser that sees nothing) must not pass as "nothing too long".
    expect(files.length).toBeGreaterThan(200);
    expect(spans.length).toBeGreaterThan(2000);
    for (const root of SCANNED)
      expect(
        spans.some((s) => s.id.startsWith(root + '/')),
        root,
      ).toBe(true);
  });

  it('the check catches a long function, and names nested and class members', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = [
      `export function long(): void {\n${body(MAX_LINES - 1)}\n}`, // MAX_LINES + 1 lines
      `export function fits(): void {\n${body(MAX_LINES - 2)}\n}`, // MAX_LINES lines
      `class C {\n  m(): void {\n    const f = () => {\n${body(MAX_LINES)}\n    };\n  }\n}`,
    ].join('\n');
    const found = functionSpans('src/x.ts', text);
    expect(found.map((s) => [s.id, s.lines])).toEqual([
      ['src/x.ts#long', MAX_LINES + 1],
      ['src/x.ts#fits', MAX_LINES],
      ['src/x.ts#C.m', MAX_LINES + 4],
      ['src/x.ts#C.m.f', MAX_LINES + 2],
    ]);
    expect(tooLong(found, {})).toEqual([
      `src/x.ts:1 long (${MAX_LINES + 1} lines)`,
      `src/x.ts:${2 * MAX_LINES + 3} C.m (${MAX_LINES + 4} lines)`,
      `src/x.ts:${2 * MAX_LINES + 4} C.m.f (${MAX_LINES + 2} lines)`,
    ]);
    expect(tooLong(found, { 'src/x.ts#long': 'why', 'src/x.ts#C.m': 'why', 'src/x.ts#C.m.f': 'why' })).toEqual([]);
  });

  it('allows only forward passes of the models, each still present', () => {
    for (const [id, reason] of Object.entries(ALLOWED)) {
      expect(id, 'a model file').toMatch(/^src\/models\/[^#]+#(.+\.)?forward$/);
      expect(reason.length, `${id}: a reason`).toBeGreaterThan(20);
      expect(
        spans.some((s) => s.id === id),
        `${id} exists`,
      ).toBe(true);
    }
  });

  it(`no other function is longer than ${MAX_LINES} lines`, () => {
    expect(tooLong(spans, ALLOWED)).toEqual([]);
  });
});
