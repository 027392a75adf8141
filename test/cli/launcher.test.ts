import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compiledEntry, ENTRY, STAMP } from '../../bin/compiledCli.mjs';
import { initBackend } from '../../src/engine/backend.ts';
import { REPO_ROOT } from '../../src/util/paths.ts';
import { peftLab } from '../helpers/cli.ts';
import { copyTask } from '../helpers/toyTask.ts';
import { TINY_GPT2, writeTinyModel } from '../models/tinyModels.ts';

describe('the launcher runs dist/ only while it is as new as every source it was built from', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'peft-launcher-'));
  const stamp = (inputs: string[], builtAtMs: number) => {
    mkdirSync(path.join(root, 'dist'), { recursive: true });
    writeFileSync(path.join(root, 'dist', STAMP), JSON.stringify({ builtAtMs, entry: ENTRY, inputs }));
  };
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'src', 'a.ts'), '');
  writeFileSync(path.join(root, 'src', 'b.ts'), '');
  const past = (Date.now() - 60_000) / 1000;
  utimesSync(path.join(root, 'src', 'a.ts'), past, past);
  utimesSync(path.join(root, 'src', 'b.ts'), past, past);

  it('not built: the sources', () => {
    expect(compiledEntry(root)).toEqual({ reason: 'dist/ is not built (npm run build)' });
  });

  it('built after every input: the compiled entry', () => {
    stamp(['src/a.ts', 'src/b.ts'], Date.now());
    expect(compiledEntry(root)).toEqual({ entry: path.join(root, 'dist', ENTRY) });
  });

  it('a source edited (or deleted) since: the sources, naming it', () => {
    stamp(['src/a.ts', 'src/b.ts'], Date.now() - 30_000);
    utimesSync(path.join(root, 'src', 'b.ts'), new Date(), new Date());
    expect(compiledEntry(root)).toEqual({ reason: 'src/b.ts changed since dist/ was built' });
    stamp(['src/a.ts', 'src/gone.ts'], Date.now());
    expect(compiledEntry(root)).toEqual({ reason: 'src/gone.ts is gone since dist/ was built' });
  });
});

describe('tests run the TypeScript sources', () => {
  it('vitest sets PEFT_CLI_SOURCES=1, and the launcher honours it', () => {
    expect(process.env.PEFT_CLI_SOURCES).toBe('1');
    const r = peftLab(['--help'], { env: { PEFT_DEBUG: '1' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('peft-lab: running the TypeScript sources (PEFT_CLI_SOURCES=1)\n');
  });
});

/**
 * A build of the real CLI, inside the repository (so that its imports resolve in node_modules), run
 * directly next to the TypeScript sources: both must answer alike.
 */
describe('the compiled CLI (bin/build.mjs)', () => {
  const out = path.join(REPO_ROOT, 'node_modules', '.cache', `peft-lab-build-test-${process.pid}`);
  const compiled = (args: string[]) => spawnSync(process.execPath, [path.join(out, ENTRY), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  let meta: { outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[] }> };

  beforeAll(async () => {
    await initBackend();
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'build.mjs'), '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    meta = JSON.parse(readFileSync(path.join(out, 'meta.json'), 'utf8')) as typeof meta;
    return () => rmSync(out, { recursive: true, force: true });
  }, 120_000);

  /** Every package the output of `entry` loads before its first dynamic import. */
  function staticPackages(entry: string): string[] {
    const start = Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint === entry)!;
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (o: string) => {
      if (seen.has(o)) return;
      seen.add(o);
      for (const i of meta.outputs[o]!.imports) if (i.kind === 'import-statement') i.external ? packages.add(i.path) : visit(i.path);
    };
    visit(start);
    return [...packages].sort();
  }

  it('--help and score load no tensor library (commands are chunks loaded on demand)', () => {
    expect(staticPackages('src/cli/main.ts').filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(staticPackages('src/cli/commands/score.ts').filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(staticPackages('src/cli/commands/train.ts')).toContain('@tensorflow/tfjs-core');
  });

  it('answers --help and score as the sources do', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'peft-compiled-score-'));
    writeFileSync(path.join(dir, 'hyp.txt'), 'the cat sat on the mat\nhello world\n');
    writeFileSync(path.join(dir, 'ref.txt'), 'the cat is on the mat\nhello there world\n');
    for (const args of [['--help'], ['score', '--metrics', 'bleu,chrf,ter,rouge', '--hyp', path.join(dir, 'hyp.txt'), '--ref', path.join(dir, 'ref.txt')]]) {
      const c = compiled(args);
      expect(c.status, c.stderr).toBe(0);
      expect(c.stdout).toBe(peftLab(args).stdout);
    }
  });

  it('trains exactly as the sources do (tfjs gradient registrations bundled, no resolve hook)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'peft-compiled-train-'));
    const model = writeTinyModel(path.join(dir, 'model'), TINY_GPT2);
    writeFileSync(
      path.join(dir, 'rows.jsonl'),
      copyTask(8, { vocab: 12 })
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n',
    );
    const run = (name: string, cli: (args: string[]) => { status: number | null; stderr: string }) => {
      writeFileSync(
        path.join(dir, `${name}.json`),
        JSON.stringify({
          model,
          dataset: { pretokenized: 'rows.jsonl' },
          method: 'lora',
          peft_config: { r: 2, lora_alpha: 4, lora_dropout: 0.1 },
          training_args: { output_dir: name, max_steps: 3, per_device_train_batch_size: 4, learning_rate: 1e-2 },
          seed: 1,
        }),
      );
      const r = cli(['train', '--config', path.join(dir, `${name}.json`), '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(path.join(dir, name, 'loss_log.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { loss: number; grad_norm: number })
        .map(({ loss, grad_norm }) => ({ loss, grad_norm }));
    };
    expect(run('compiled', compiled)).toEqual(run('sources', peftLab));
  });
});
