/**
 * Exact resume for every method: a run killed twice and resumed each time from its newest checkpoint
 * must produce the same per-step losses (bit for bit) and the same saved adapter bytes as a run that
 * was never interrupted. The kill is simulated in-process: a callback throws after a step is logged
 * but before the next checkpoint, so nothing is cleaned up or saved at the end (as with SIGKILL), and
 * the resumed run starts from a freshly loaded base with a freshly attached method, as a new process
 * would. Whatever a method keeps besides its parameters (e.g. a rank allocator's running averages)
 * only survives if it went into the checkpoint.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../src/engine/backend.ts';
import { saveTrained } from '../../src/experiment/saveTrained.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import type { PeftModel } from '../../src/peft/peftModel.ts';
import { parseTrainingArguments, type TrainingArguments } from '../../src/train/arguments.ts';
import type { LogEntry } from '../../src/train/checkpoint.ts';
import { PLUGIN_STATE_JSON, PLUGIN_STATE_TENSORS, restorePluginState } from '../../src/train/pluginState.ts';
import { plannedSteps, Trainer, type TrainerCallback } from '../../src/train/trainer.ts';
import type { TrainExample } from '../../src/train/collate.ts';
import { UserError } from '../../src/util/errors.ts';
import { baseDir, loadBase } from '../helpers/methodKit.ts';
import { needsShared } from '../helpers/skip.ts';
import { copyTask } from '../helpers/toyTask.ts';
import { resumeMethods } from '../helpers/resumeMethods.ts';

const gpt2Dir = baseDir('tiny-gpt2');

beforeAll(async () => {
  await initBackend();
});

const STEPS = 18;
const SAVE_STEPS = 3;
/** Steps after which the two kills happen: each loses the steps since the checkpoint before it. */
const KILLS = [7, 16];

/**
 * Every method on tiny-gpt2, with dropout where the method has it (the dropout RNG must resume too).
 * AdaLoRA's schedule is squeezed into the run: importance from step 0, masking at every step after
 * tinit, the final allocation at step 13 (total − tfinal), then 5 steps of the fixed pattern. The first
 * kill resumes from step 6, mid-allocation (the running importance averages decide the next masks:
 * without them the curve departs at step 8); the second from step 15, after the final allocation
 * (the kept pattern must still be enforced, and saved in adapter_config.json).
 */
const METHODS = resumeMethods({ tinit: 2, tfinal: 5, deltaT: 1 });

class Killed extends Error {}

/** Throws once the run has logged `step`: the checkpoint of that step (if any) is never written. */
const killAfter = (step: number): TrainerCallback => ({
  onStepEnd(entry) {
    if (entry.step === step) throw new Killed(`killed after step ${step}`);
  },
});

const train = copyTask(64, { vocab: 12, seed: 3 });

function args(outputDir: string): TrainingArguments {
  return parseTrainingArguments({
    output_dir: outputDir,
    max_steps: STEPS,
    save_steps: SAVE_STEPS,
    learning_rate: 1e-2,
    warmup_steps: 2,
    per_device_train_batch_size: 8,
    seed: 11,
  });
}

function attach(method: string, examples: TrainExample[], a: TrainingArguments): PeftModel {
  return getPeftModel(loadBase('tiny-gpt2'), method, METHODS[method]!, { seed: 5, totalSteps: plannedSteps(a, examples.length) });
}

/** What the optimisation produced at each step (timings differ between runs and are left out). */
const curve = (log: LogEntry[]) =>
  log.filter((e) => e.loss !== undefined).map(({ step, epoch, loss, learning_rate, grad_norm }) => ({ step, epoch, loss, learning_rate, grad_norm }));

const logFile = (outputDir: string): LogEntry[] =>
  readFileSync(path.join(outputDir, 'loss_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogEntry);

/** Every file of a saved adapter (or model directory), by name. */
function files(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f))]),
  );
}

/** Trains `method` for STEPS steps in `outputDir`, killed after each of `kills` and resumed. */
async function run(
  method: string,
  outputDir: string,
  kills: number[],
): Promise<{ curve: ReturnType<typeof curve>; fileCurve: ReturnType<typeof curve>; adapter: Map<string, Buffer> }> {
  const a = args(outputDir);
  const resumes = [false, ...kills.map(() => true)];
  for (const [i, resume] of resumes.entries()) {
    const model = attach(method, train, a);
    const kill = kills[i];
    const trainer = new Trainer(model, a, train, [], kill === undefined ? [] : [killAfter(kill)], { quiet: true });
    try {
      const result = await trainer.fit(resume);
      expect(kill, `${method}: the run was to be killed after step ${kill}`).toBeUndefined();
      if (resume) expect(result.resumed_from, `${method}: resumed from`).toMatch(/checkpoint-\d+$/);
      const adapterDir = path.join(outputDir, 'adapter');
      saveTrained(model, adapterDir, gpt2Dir!);
      return { curve: curve(result.log_history), fileCurve: curve(logFile(outputDir)), adapter: files(adapterDir) };
    } catch (e) {
      if (!(e instanceof Killed)) throw e;
    } finally {
      trainer.dispose();
      model.dispose();
    }
  }
  throw new Error('unreachable: the last run is never killed');
}

describe('every method resumes exactly after kills', needsShared(gpt2Dir), () => {
  for (const method of Object.keys(METHODS)) {
    it(`${method}: two kills and resumes give the uninterrupted loss curve and adapter bytes`, async () => {
      const root = mkdtempSync(path.join(os.tmpdir(), `peft-resume-${method}-`));
      try {
        const straight = await run(method, path.join(root, 'straight'), []);
        const resumed = await run(method, path.join(root, 'resumed'), KILLS);
        expect(straight.curve).toHaveLength(STEPS);
        expect(resumed.curve).toEqual(straight.curve);
        expect(resumed.fileCurve).toEqual(straight.curve);
        expect([...resumed.adapter.keys()]).toEqual([...straight.adapter.keys()]);
        for (const [name, bytes] of straight.adapter) expect(resumed.adapter.get(name)!.equals(bytes), `${method}: ${name} differs`).toBe(true);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('training state is checkpointed only where a method has it, and a checkpoint that does not fit is refused', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'peft-resume-state-'));
    const models: PeftModel[] = [];
    const fresh = (method: string, config?: Record<string, unknown>) => {
      const a = args(path.join(root, 'unused'));
      const m = config ? getPeftModel(loadBase('tiny-gpt2'), method, config, { seed: 5, totalSteps: plannedSteps(a, train.length) }) : attach(method, train, a);
      models.push(m);
      return m;
    };
    const killedRun = async (method: string) => {
      const out = path.join(root, method);
      const a = args(out);
      const trainer = new Trainer(fresh(method), a, train, [], [killAfter(4)], { quiet: true });
      await expect(trainer.fit()).rejects.toThrow(Killed);
      trainer.dispose();
      return path.join(out, 'checkpoint-3');
    };
    try {
      const ada = await killedRun('adalora');
      expect(readdirSync(ada)).toEqual(expect.arrayContaining([PLUGIN_STATE_JSON, PLUGIN_STATE_TENSORS]));
      const lora = await killedRun('lora');
      expect(readdirSync(lora)).not.toContain(PLUGIN_STATE_JSON);

      // Resuming without the state would silently restart it (a checkpoint from before it was saved).
      expect(() => restorePluginState(fresh('adalora').adapter, 'adalora', lora)).toThrow(/lacks plugin_state\.json/);
      expect(() => restorePluginState(fresh('lora').adapter, 'lora', ada)).toThrow(/does not keep/);
      expect(() => restorePluginState(fresh('ia3').adapter, 'adalora', ada)).toThrow(UserError);
      const smaller = fresh('adalora', { ...METHODS.adalora, init_r: 4 });
      expect(() => restorePluginState(smaller.adapter, 'adalora', ada)).toThrow(/has \d+ values/);
      restorePluginState(fresh('adalora').adapter, 'adalora', ada);
    } finally {
      for (const m of models) m.dispose();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
