import type { tf, Tensor } from '../engine/tf.ts';
import { UserError } from '../util/errors.ts';

/** peft prefixes every saved key with the PeftModel's path to the base model. */
export const PEFT_PREFIX = 'base_model.model.';

/** Our in-model parameter names → peft's saved keys (a copy of each tensor, safe to dispose). */
export function toPeftStateDict(params: [string, tf.Variable][]): Map<string, Tensor> {
  return new Map(params.map(([n, v]) => [PEFT_PREFIX + n, v.clone()]));
}

/**
 * Assigns saved tensors to parameters by name. Every parameter must be present and every tensor
 * used: a half-loaded adapter would silently give wrong outputs.
 */
export function assignFromStateDict(params: [string, tf.Variable][], tensors: Map<string, Tensor>, source: string): void {
  const byKey = new Map(params.map(([n, v]) => [PEFT_PREFIX + n, v]));
  const missing = [...byKey.keys()].filter((k) => !tensors.has(k));
  const unexpected = [...tensors.keys()].filter((k) => !byKey.has(k));
  if (missing.length || unexpected.length) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` (+${missing.length - 4})` : ''}`);
    if (unexpected.length) parts.push(`unexpected ${unexpected.slice(0, 4).join(', ')}${unexpected.length > 4 ? ` (+${unexpected.length - 4})` : ''}`);
    throw new UserError(`${source}: adapter weights do not fit the model: ${parts.join('; ')}`);
  }
  for (const [k, v] of byKey) {
    const t = tensors.get(k)!;
    if (t.shape.join(',') !== v.shape.join(','))
      throw new UserError(`${source}: '${k}' has shape [${t.shape}], the model expects [${v.shape}] (different r or base model?)`);
    v.assign(t);
  }
}
