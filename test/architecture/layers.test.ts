// The source folders form layers; code may import its own layer's folders and the layers below it,
// never a layer above. The rule keeps each layer testable and reusable without what is built on it
// (the engine without models, a model without PEFT, training without experiments), and a reader
// finds a behaviour by going down from where it is used. Folders sharing a layer may import each
// other only one way: a cycle between two folders makes them one unit in all but name.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/sourceFiles.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Lowest first; folders in one entry share a layer. */
const LAYERS: readonly (readonly string[])[] = [
  ['src/util'],
  ['src/engine'],
  ['src/models'],
  ['src/peft'],
  ['plugins'],
  ['src/generate', 'src/train'],
  ['src/data', 'src/metrics'],
  ['src/experiment', 'src/pretrain'],
  ['src/report'],
  ['src/cli', 'suites', 'reporters', 'bench', 'bin'],
];

/** The roots scanned: every folder named in LAYERS lies under one of them. */
const SCANNED = ['src', 'plugins', 'suites', 'reporters', 'bench', 'bin'];

const SOURCE = /\.(ts|mts|mjs)$/;

/** A folder of LAYERS and its layer index, for a path relative to ROOT; undefined when outside them. */
function folderOf(rel: string): { folder: string; layer: number } | undefined {
  for (let layer = 0; layer < LAYERS.length; layer++)
    for (const folder of LAYERS[layer]!) if (rel === folder || rel.startsWith(folder + '/')) return { folder, layer };
  return undefined;
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import (static, re-export, dynamic, type-only) of every scanned file, resolved to ROOT-relative paths. */
function relativeImports(): Edge[] {
  const edges: Edge[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    // TypeScript's own pre-parser: it skips comments and strings, and sees `import type`,
    // `export … from` and `import('…')` alike.
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = path
        .relative(ROOT, path.resolve(ROOT, path.dirname(file), fileName))
        .split(path.sep)
        .join('/');
      edges.push({ from: file, to });
    }
  }
  return edges;
}

/** `from → to` for every import of a lower layer's file into a higher layer's. */
function upwardImports(edges: readonly Edge[]): string[] {
  return edges
    .filter((e) => {
      const from = folderOf(e.from);
      const to = folderOf(e.to);
      return from !== undefined && to !== undefined && to.layer > from.layer;
    })
    .map((e) => `${e.from} → ${e.to}`);
}

/** One line per set of folders that import each other in a loop, with the imports that close it. */
function folderCycles(edges: readonly Edge[]): string[] {
  // Folder → folder graph, each edge with one import that makes it (for the message).
  const graph = new Map<string, Map<string, Edge>>();
  for (const e of edges) {
    const from = folderOf(e.from)?.folder;
    const to = folderOf(e.to)?.folder;
    if (from === undefined || to === undefined || to === from) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, e);
  }
  // Tarjan's strongly connected components: a component of two or more folders is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (folder: string): void => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder)!);
    stack.push(folder);
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(folder, Math.min(low.get(folder)!, index.get(next)!));
    }
    if (low.get(folder) === index.get(folder)) {
      const component: string[] = [];
      let top: string;
      do {
        top = stack.pop()!;
        component.push(top);
      } while (top !== folder);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const folder of [...graph.keys()].sort()) if (!index.has(folder)) visit(folder);
  // Each cycle shown as its shortest loop through the component, one import per step.
  return components.map((component) => {
    const start = component[0]!;
    const cameFrom = new Map<string, Edge>();
    const queue = [start];
    while (queue.length > 0 && !cameFrom.has(start)) {
      const folder = queue.shift()!;
      for (const [next, edge] of graph.get(folder) ?? [])
        if (component.includes(next) && !cameFrom.has(next)) {
          cameFrom.set(next, edge);
          queue.push(next);
        }
    }
    const steps: Edge[] = [];
    let at = start;
    do {
      const edge = cameFrom.get(at)!;
      steps.unshift(edge);
      at = folderOf(edge.from)!.folder;
    } while (at !== start);
    return `${component.join(', ')}: ${steps.map((e) => `${e.from} → ${e.to}`).join(', then ')}`;
  });
}

const files = SCANNED.flatMap((dir) => sourceFiles(dir, SOURCE));
const edges = relativeImports();

describe('layers', () => {
  it('finds the sources and their imports', () => {
    // A broken scan (wrong root, a parser that sees nothing) must not pass as "no violations".
    expect(files.length).toBeGreaterThan(200);
    expect(edges.length).toBeGreaterThan(800);
    for (const root of SCANNED)
      expect(
        edges.some((e) => e.from.startsWith(root + '/')),
        root,
      ).toBe(true);
  });

  it('maps every scanned file to a layer', () => {
    expect(files.filter((f) => !folderOf(f))).toEqual([]);
  });

  it('the checks catch an upward import and a cycle', () => {
    expect(upwardImports([{ from: 'src/engine/a.ts', to: 'src/models/b.ts' }])).toEqual(['src/engine/a.ts → src/models/b.ts']);
    expect(upwardImports([{ from: 'src/models/b.ts', to: 'src/engine/a.ts' }])).toEqual([]);
    expect(
      folderCycles([
        { from: 'src/experiment/a.ts', to: 'src/pretrain/b.ts' },
        { from: 'src/pretrain/c.ts', to: 'src/experiment/d.ts' },
      ]),
    ).toEqual(['src/experiment, src/pretrain: src/experiment/a.ts → src/pretrain/b.ts, then src/pretrain/c.ts → src/experiment/d.ts']);
    expect(folderCycles([{ from: 'src/experiment/a.ts', to: 'src/pretrain/b.ts' }])).toEqual([]);
  });

  it('no import points up a layer', () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it('no cycle between folders', () => {
    expect(folderCycles(edges)).toEqual([]);
  });
});
