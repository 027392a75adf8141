import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { buildSmokeModel, type BaseModel } from '../../src/experiment/baseModels.ts';
import { PROFILES, type Profile } from '../../src/experiment/profile.ts';
import { experimentKey, runExperiment, selectTestExamples, type ExperimentRunSpec } from '../../src/experiment/run.ts';

/*
 * COMET on experiment results, through runExperiment on the untuned base of a tiny random-init model
 * (nothing trained): "not run" without a scorer; a cached run scored, without rerunning it, once a
 * scorer is configured, on the test split's sources; the score kept in the cache entry.
 */

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-comet-exp-'));
const TINY: Profile = { ...PROFILES.smoke, smoke_model: { vocab_size: 400, layers: 1, width: 32, heads: 2, tokenizer_texts: 400 } };
let model: BaseModel;

beforeAll(async () => {
  await initBackend();
  const dir = await buildSmokeModel('gpt2', TINY, null, path.join(tmp, 'models'));
  model = { family: 'gpt2', dir, name: path.basename(dir), origin: 'built', random_init: true };
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

function spec(): ExperimentRunSpec {
  return {
    id: 'translation/gpt2/base',
    order: 0,
    label: 'untuned base',
    hyperparameters: {},
    task: 'translation',
    profile: 'test',
    model,
    data: { name: 'synthetic:translation', dataDir: null, train_examples: 8, validation_examples: 0, test_examples: 6, max_length: 48, max_target_length: 24 },
    method: 'base',
    peft_config: {},
    training_args: {},
    seed: 7,
    decoding: { strategy: 'greedy', max_new_tokens: 4 },
    evaluation: { bootstrap_samples: 50, examples_shown: 1, generation_batch_size: 8 },
  };
}

/** A scorer whose segment score is its source's length / 1000: it proves which sources it was given. */
function stubScorer(): string {
  const p = path.join(tmp, 'stub-comet-score');
  writeFileSync(
    p,
    `#!${process.execPath}
const fs = require('fs'); const a = process.argv.slice(2);
const read = (f) => fs.readFileSync(a[a.indexOf(f) + 1], 'utf8').trimEnd().split('\\n');
const [src, hyp] = [read('-s'), read('-t')];
if (src.length !== hyp.length) process.exit(3);
const s = src.map((x) => x.length / 1000);
s.forEach((x, i) => console.log('hyp.txt\\tSegment ' + i + '\\tscore: ' + x));
console.log('hyp.txt\\tscore: ' + s.reduce((p, q) => p + q, 0) / s.length);
`,
  );
  chmodSync(p, 0o755);
  return p;
}

describe('COMET on experiment results', () => {
  it('is "not run" without a scorer; a scorer configured later scores the cached run and the cache keeps it', async () => {
    const runsDir = path.join(tmp, 'runs');
    const s = spec();
    vi.stubEnv('PEFT_COMET_COMMAND', 'no-such-comet-scorer');
    const first = await runExperiment(s, { runsDir, quiet: true });
    expect(first.result.cached).toBe(false);
    expect(first.result.comet).toEqual({ not_run: "no COMET scorer: 'no-such-comet-scorer' is not on PATH" });

    const stub = stubScorer();
    vi.stubEnv('PEFT_COMET_COMMAND', stub);
    // Configuring a scorer changes no cache key: the run is read back, not redone.
    expect(await experimentKey(s)).toBe(first.result.key);
    const second = await runExperiment(s, { runsDir, quiet: true });
    expect(second.result.cached).toBe(true);
    expect(second.dir).toBe(first.dir);
    expect(second.result.quality).toEqual(first.result.quality);
    const sources = (await selectTestExamples(s.data)).examples.map((e) => e.source);
    const mean = sources.reduce((sum, x) => sum + x.length / 1000, 0) / sources.length;
    expect(second.result.comet).toMatchObject({ command: stub });
    const comet = second.result.comet as { score: number; low: number; high: number };
    expect(comet.score).toBeCloseTo(mean, 12);
    expect(comet.low).toBeLessThanOrEqual(comet.high);
    const stored = JSON.parse(readFileSync(path.join(second.dir, 'result.json'), 'utf8')) as { comet: unknown; cached: boolean };
    expect(stored.comet).toEqual(second.result.comet);

    // A run made with the scorer configured records the same score.
    const fresh = await runExperiment(s, { runsDir, quiet: true, fresh: true });
    expect(fresh.result.cached).toBe(false);
    expect(fresh.result.comet).toEqual(second.result.comet);

    // A recorded score stays when the scorer is gone again.
    vi.stubEnv('PEFT_COMET_COMMAND', 'no-such-comet-scorer');
    expect((await runExperiment(s, { runsDir, quiet: true })).result.comet).toEqual(second.result.comet);
  }, 120_000);
});
