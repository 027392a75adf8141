import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { command as generateCmd } from '../../src/cli/commands/generate.ts';
import { command as logitsCmd } from '../../src/cli/commands/logits.ts';
import { command as paramsCmd } from '../../src/cli/commands/params.ts';
import { adapterDir, type AdapterGolden } from '../helpers/adapterGolden.ts';
import { flat, goldenPath, readGolden } from '../helpers/golden.ts';
import { runInProcess } from '../helpers/cli.ts';
import { needsShared } from '../helpers/skip.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'peft-methods-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runInProcess;

function inputFile(name: string, content: object): string {
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(content));
  return p;
}

describe('peft-lab params / logits / generate --adapter with IA³ and AdaLoRA adapters', needsShared(adapterDir('tiny-gpt2', 'ia3')), () => {
  for (const [base, method] of [
    ['tiny-gpt2', 'ia3'],
    ['tiny-t5', 'ia3'],
    ['tiny-gpt2', 'adalora'],
    ['tiny-t5-gated', 'adalora'],
  ] as const) {
    it(`${base}__${method}: generate and logits reproduce peft's outputs`, async () => {
      const golden = readGolden<AdapterGolden>('models', 'peft', `${base}__${method}`, 'golden.json');
      const model = goldenPath('models', base)!;
      const adapter = adapterDir(base, method)!;
      const g = golden.outputs.greedy_single!;
      const gen = await run(generateCmd, { model, adapter, input: inputFile(`${base}-${method}-gen.json`, { input_ids: g.input_ids }), 'max-new-tokens': '8' });
      expect(gen.sequences).toEqual(g.sequences);
      const o = (golden.outputs.plain ?? golden.outputs.decoder_forward)!;
      const lg = await run(logitsCmd, {
        model,
        adapter,
        input: inputFile(`${base}-${method}-logits.json`, {
          input_ids: o.input_ids,
          attention_mask: o.attention_mask ?? undefined,
          decoder_input_ids: o.decoder_input_ids,
        }),
      });
      const got = flat(lg.logits);
      const want = flat(o.logits);
      expect(got.length).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
      expect(worst).toBeLessThan(1e-4);
    });
  }

  it('params counts IA³ and AdaLoRA on the real t5-small config from config files alone', async () => {
    const real = readGolden<{
      models: Record<string, { config: object; methods: Record<string, { trainable_params: number; all_params: number; peft_config: object }> }>;
    }>('models', 'peft', 'param_counts_real_configs.json');
    const t5 = real.models['t5-small']!;
    const modelDir = path.join(dir, 't5-small');
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(path.join(modelDir, 'config.json'), JSON.stringify(t5.config));
    for (const key of ['ia3_defaults', 'adalora_init12_target8']) {
      const m = t5.methods[key]!;
      const adapter = path.join(dir, key);
      mkdirSync(adapter, { recursive: true });
      writeFileSync(path.join(adapter, 'adapter_config.json'), JSON.stringify(m.peft_config));
      const counts = await run(paramsCmd, { model: modelDir, adapter });
      expect({ trainable: counts.trainable_params, all: counts.all_params }, key).toEqual({ trainable: m.trainable_params, all: m.all_params });
    }
  });
});
