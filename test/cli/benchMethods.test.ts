import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { command } from '../../src/cli/commands/bench.ts';
import { applyBenchMethod, benchMethods, randomGpt2, type BenchModelConfig } from '../../bench/workloads.ts';

const tiny: BenchModelConfig = { n_layer: 2, n_embd: 32, n_head: 4, vocab_size: 97, seq: 12, batch: 3 };

beforeAll(async () => {
  await initBackend();
});

// `peft-lab bench train` is scripted against: its --method values, their errors and the JSON's
// detail.note stay as they were when the two methods were spelled out in the CLI.
describe('bench train --method', () => {
  it('takes the methods whose plugins declare a training step, in registration order', () => {
    expect(benchMethods().map((m) => m.name)).toEqual(['lora', 'full']);
  });

  it('names the valid methods when one is wrong or missing', async () => {
    await expect(command.run({ config: 'small', method: 'ia3' }, ['train'])).rejects.toThrow("bench: --method must be one of lora, full, got 'ia3'");
    await expect(command.run({ config: 'small' }, ['train'])).rejects.toThrow("bench: --method must be one of lora, full, got ''");
  });

  it('attaches what each method declares', () => {
    const attached = benchMethods().map(({ name }) => {
      const { peft, note } = applyBenchMethod(randomGpt2(tiny, { dropout: 0 }), name);
      const trainable = peft.trainableParameters().reduce((s, [, v]) => s + v.size, 0);
      const all = peft.base.numParameters();
      peft.dispose();
      return { name, note, trainable: trainable === all ? 'all' : trainable };
    });
    expect(attached).toEqual([
      // r=8 on c_attn (32 → 96) in each of 2 layers: 2 · (32·8 + 8·96).
      { name: 'lora', note: 'plugins/lora r=8 alpha=16 on c_attn', trainable: 2048 },
      { name: 'full', note: 'plugins/full: all parameters, tied head', trainable: 'all' },
    ]);
    const model = randomGpt2(tiny, { dropout: 0 });
    expect(() => applyBenchMethod(model, 'ia3')).toThrow("bench: --method must be one of lora, full, got 'ia3'");
    model.dispose();
  });
});
