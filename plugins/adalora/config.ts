import { ConfigReader } from '../../src/util/configReader.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { showValue, UserError } from '../../src/util/errors.ts';
import { parseLoraConfig, type LoraConfig } from '../lora/config.ts';

/**
 * peft 0.10's AdaLoraConfig: a LoraConfig (whose `r` and `alpha_pattern` AdaLoRA ignores) plus the
 * rank-allocation schedule. `rank_pattern` here is AdaLoRA's own: per `<module>.lora_E`, which of the
 * init_r triplets are kept (written after allocation; a pruned adapter is saved and loaded with it).
 */
export interface AdaLoraConfig extends Omit<LoraConfig, 'peft_type' | 'rank_pattern'> {
  peft_type: 'ADALORA';
  target_r: number;
  init_r: number;
  tinit: number;
  tfinal: number;
  deltaT: number;
  beta1: number;
  beta2: number;
  orth_reg_weight: number;
  total_step: number | null;
  rank_pattern: Record<string, boolean[]> | null;
}

/** peft's TRANSFORMERS_MODELS_TO_ADALORA_TARGET_MODULES_MAPPING for our architectures. */
export const ADALORA_DEFAULT_TARGETS: Record<string, string[]> = {
  gpt2: ['c_attn'],
  t5: ['q', 'k', 'v', 'o', 'wi', 'wo'],
  mt5: ['q', 'k', 'v', 'o', 'wi_0', 'wi_1', 'wo'],
};

const ADALORA_FIELDS = ['target_r', 'init_r', 'tinit', 'tfinal', 'deltaT', 'beta1', 'beta2', 'orth_reg_weight', 'total_step', 'rank_pattern'];

/**
 * rank_pattern keys as peft saves them (`transformer.h.0.attn.c_attn.lora_E`); peft keeps the adapter
 * name in memory (`….lora_E.default`) and accepts both when loading, so do we.
 */
export function normaliseRankPatternKey(key: string): string {
  return key.replace(/\.default$/, '');
}

export function parseAdaLoraConfig(raw: Record<string, unknown>, model: LanguageModel, where: string): AdaLoraConfig {
  const c = new ConfigReader(raw, where);
  c.oneOf('peft_type', ['ADALORA'], 'ADALORA');
  const ema = (field: string): number => {
    const v = c.num(field, 0.85);
    if (!(v > 0 && v < 1)) throw new UserError(`${where}: '${field}' must be a number in (0, 1), got ${JSON.stringify(raw[field])}`);
    return v;
  };
  const adalora = {
    target_r: c.int('target_r', 8, 0),
    init_r: c.int('init_r', 12, 0),
    tinit: c.int('tinit', 0, 0),
    tfinal: c.int('tfinal', 0, 0),
    deltaT: c.int('deltaT', 1, 1),
    beta1: ema('beta1'),
    beta2: ema('beta2'),
    orth_reg_weight: c.num('orth_reg_weight', 0.5),
    total_step: c.has('total_step') ? c.int('total_step', 0, 1) : null,
    rank_pattern: parseRankPattern(c, where),
  };
  // A saved pattern keeps some of the init_r triplets; more would not fit the config's own layers.
  for (const [k, keep] of Object.entries(adalora.rank_pattern ?? {})) {
    const kept = keep.filter(Boolean).length;
    if (kept > adalora.init_r)
      throw new UserError(`${where}: rank_pattern entry ${showValue(k, 60)} keeps ${kept} triplets, more than init_r = ${adalora.init_r}`);
  }
  // The LoRA part is validated by LoRA's own reader (same names, same errors), minus AdaLoRA's fields.
  const loraRaw: Record<string, unknown> = { ...raw, peft_type: 'LORA' };
  for (const f of ADALORA_FIELDS) delete loraRaw[f];
  if (loraRaw.target_modules === undefined || loraRaw.target_modules === null) loraRaw.target_modules = ADALORA_DEFAULT_TARGETS[model.modelType] ?? null;
  if (loraRaw.target_modules === null) throw new UserError(`${where}: 'target_modules' is required for model type '${model.modelType}'`);
  const lora = parseLoraConfig(loraRaw, model, where);
  return { ...lora, peft_type: 'ADALORA', ...adalora };
}

function parseRankPattern(c: ConfigReader, where: string): Record<string, boolean[]> | null {
  if (!c.has('rank_pattern')) {
    c.ignore('rank_pattern');
    return null;
  }
  const rp = c.record(
    'rank_pattern',
    (v): v is boolean[] => Array.isArray(v) && v.every((b) => typeof b === 'boolean'),
    'a map of `<module>.lora_E` → list of true/false (kept triplets), as AdaLoRA saves it',
  );
  const out: Record<string, boolean[]> = {};
  for (const [k, v] of Object.entries(rp)) {
    const key = normaliseRankPatternKey(k);
    if (!key.endsWith('.lora_E')) throw new UserError(`${where}: rank_pattern key '${k}' must name a lora_E parameter ('<module path>.lora_E')`);
    out[key] = v;
  }
  return out;
}
