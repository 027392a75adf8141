import type { LinearLike } from '../../src/models/linear.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { entryField } from '../../src/peft/adapterBudget.ts';
import type { AdapterSize } from '../../src/peft/plugin.ts';
import { findTargets } from '../../src/peft/targets.ts';
import { showValue, UserError } from '../../src/util/errors.ts';
import type { LoraConfig } from './config.ts';

/** A rank_pattern / alpha_pattern key as peft matches it (the end of a module path). */
function patternRegExp(key: string, method: string): RegExp {
  try {
    return new RegExp(`^.*\\.${key}$`);
  } catch {
    throw new UserError(`${method}: the rank_pattern / alpha_pattern key ${showValue(key)} is not a valid regular expression`);
  }
}

/**
 * What attachLora allocates: A (r × d_in) and B (d_out × r) per targeted layer, r being the layer's
 * rank_pattern entry (the first pattern key that ends its path, as patternValue) or `r`.
 * `method` names the plugin in the error when no layer matches, as its attach would.
 */
export function loraAdapterSize(method: string) {
  return (config: LoraConfig, model: LanguageModel): AdapterSize => {
    const patterns = Object.entries(config.rank_pattern);
    const order = [...patterns.map(([k]) => k), ...Object.keys(config.alpha_pattern)];
    const layers = findTargets(model, config, method).map((path) => {
      const m = model.getSubmodule(path) as LinearLike;
      const hit = order.find((p) => patternRegExp(p, method).test(path));
      // Index into the size fields: 0 is `r`, 1 + i the i-th rank_pattern entry.
      const i = hit === undefined ? -1 : patterns.findIndex(([k]) => k === hit);
      return { features: m.inFeatures + m.outFeatures, field: i + 1 };
    });
    return {
      fields: [{ field: 'r', value: config.r, min: 1 }, ...patterns.map(([k, v]) => ({ field: entryField('rank_pattern', k), value: v, min: 1 }))],
      parameters: (values) => layers.reduce((s, l) => s + values[l.field]! * l.features, 0),
    };
  };
}
