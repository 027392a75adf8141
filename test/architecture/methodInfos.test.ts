// The report knows the methods through plugins/methodInfos.ts, which `peft-lab report` and the report
// reporter load instead of the plugins so that rendering results starts no tensor engine. That list
// must name the same methods as ALL_PLUGINS, with what the plugins themselves carry, and stay light.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ALL_PLUGINS } from '../../plugins/index.ts';
import { ALL_METHOD_INFOS } from '../../plugins/methodInfos.ts';
import type { MethodInfo } from '../../src/peft/methodInfo.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every file `entry` imports, directly or not (relative imports), and every package it names. */
function importClosure(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.'))
        visit(
          path
            .relative(ROOT, path.resolve(ROOT, path.dirname(file), fileName))
            .split(path.sep)
            .join('/'),
        );
      else packages.add(fileName);
    }
  };
  visit(entry);
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/** The MethodInfo fields of a plugin or info, comparable with toEqual (hooks by identity). */
function infoOf(i: MethodInfo): MethodInfo {
  return {
    name: i.name,
    title: i.title,
    isBaseline: i.isBaseline,
    isPromptLearning: i.isPromptLearning,
    ...(i.summaryFacts ? { summaryFacts: i.summaryFacts } : {}),
  };
}

describe('method infos', () => {
  it('list the methods of ALL_PLUGINS, in its order, as the plugins carry them', () => {
    expect(ALL_METHOD_INFOS.map(infoOf)).toEqual(ALL_PLUGINS.map(infoOf));
  });

  it('name one baseline', () => {
    expect(ALL_METHOD_INFOS.filter((i) => i.isBaseline)).toHaveLength(1);
  });

  it('load no tensor engine', () => {
    const { files, packages } = importClosure('plugins/methodInfos.ts');
    expect(files.length).toBeGreaterThan(ALL_METHOD_INFOS.length);
    expect(packages.filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/engine/'))).toEqual([]);
  });
});
