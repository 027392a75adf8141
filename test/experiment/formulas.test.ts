import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../../src/engine/backend.ts';
import { expectedTrainableParams } from '../../src/experiment/formulas.ts';
import { modelFromConfig } from '../../src/models/hf/loadPretrained.ts';
import { modelFamily } from '../../src/models/registry.ts';
import { getPlugin, pluginForPeftType } from '../../src/peft/plugin.ts';
import '../../src/peft/getPeftModel.ts';
import { goldenPath, readGolden } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

/*
 * The trainable-parameter formulas the suites assert against, checked on peft's own counts
 * (print_trainable_parameters in ../shared/golden/models/peft): every tiny adapter, and the real
 * gpt2 / t5-small configs. The formula sees only the config and the layer shapes, never the plugin's
 * parameters.
 */

beforeAll(async () => {
  await initBackend();
});

const peftDir = goldenPath('models', 'peft');

/** peft writes set-valued target_modules as a Python repr ("{'q', 'v'}"). */
function fixTargets(cfg: Record<string, unknown>): Record<string, unknown> {
  const t = cfg.target_modules;
  if (typeof t === 'string' && t.startsWith('{')) return { ...cfg, target_modules: [...t.matchAll(/'([^']+)'/g)].map((m) => m[1]) };
  return cfg;
}

describe('trainable-parameter formulas vs peft', needsShared(peftDir), () => {
  it('every tiny golden adapter (param_counts_tiny.json)', () => {
    const counts = readGolden<Record<string, { trainable_params: number }>>('models', 'peft', 'param_counts_tiny.json');
    const dirs = readdirSync(peftDir!).filter((d) => d.includes('__') && counts[d]);
    expect(dirs.length).toBeGreaterThanOrEqual(20);
    for (const d of dirs) {
      const raw = JSON.parse(readFileSync(path.join(peftDir!, d, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
      const base = modelFromConfig(goldenPath('models', d.split('__')[0]!)!);
      const plugin = pluginForPeftType(raw.peft_type, d);
      const cfg = plugin.parseConfig({ ...raw }, base, d) as unknown as Record<string, unknown>;
      const f = expectedTrainableParams(plugin.name, cfg, base);
      expect(f.count, `${d}: ${f.formula}`).toBe(counts[d]!.trainable_params);
      base.dispose();
    }
  });

  it('gpt2 and t5-small configs (param_counts_real_configs.json)', () => {
    const real = readGolden<{
      models: Record<string, { config: Record<string, unknown>; methods: Record<string, { trainable_params: number; peft_config: Record<string, unknown> }> }>;
    }>('models', 'peft', 'param_counts_real_configs.json');
    const methodOf: Record<string, string> = {
      LORA: 'lora',
      IA3: 'ia3',
      ADALORA: 'adalora',
      PROMPT_TUNING: 'prompt_tuning',
      PREFIX_TUNING: 'prefix_tuning',
      P_TUNING: 'p_tuning',
    };
    let checked = 0;
    for (const name of ['gpt2', 't5-small']) {
      const m = real.models[name]!;
      const base = modelFamily(m.config.model_type, name).create(m.config, name);
      for (const [key, want] of Object.entries(m.methods)) {
        const method = methodOf[want.peft_config.peft_type as string]!;
        const cfg = getPlugin(method).parseConfig(fixTargets(want.peft_config), base, key) as unknown as Record<string, unknown>;
        expect(expectedTrainableParams(method, cfg, base).count, `${name} ${key}`).toBe(want.trainable_params);
        checked++;
      }
      expect(expectedTrainableParams('full', {}, base).count).toBe(base.numParameters());
      base.dispose();
    }
    expect(checked).toBe(14);
  }, 60_000);

  it('says when it has no formula instead of guessing', () => {
    const base = modelFromConfig(goldenPath('models', 'tiny-gpt2')!);
    const cfg = getPlugin('lora').parseConfig({ r: 4, rank_pattern: { c_attn: 8 } }, base, 'x') as unknown as Record<string, unknown>;
    expect(expectedTrainableParams('lora', cfg, base).count).toBeNull();
    expect(expectedTrainableParams('mystery', {}, base).count).toBeNull();
    base.dispose();
  });
});
