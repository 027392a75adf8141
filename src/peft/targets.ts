import { UserError } from '../util/errors.ts';
import type { Module } from '../models/module.ts';
import { isLinearLike } from '../models/linear.ts';

export interface TargetSpec {
  /** A list matches module-name suffixes; a string is a full-match regex (peft semantics). */
  target_modules: string[] | string | null;
  layers_to_transform?: number[] | number | null;
  layers_pattern?: string[] | string | null;
}

/** peft's check_target_module_exists for one module path (e.g. `transformer.h.0.attn.c_attn`). */
export function matchesTarget(spec: TargetSpec, key: string): boolean {
  const t = spec.target_modules;
  if (t === null) return false;
  let found = typeof t === 'string' ? new RegExp(`^(?:${t})$`).test(key) : t.includes(key) || t.some((s) => key.endsWith(`.${s}`));
  if (found && spec.layers_to_transform !== undefined && spec.layers_to_transform !== null) {
    const patterns = spec.layers_pattern ? ([] as string[]).concat(spec.layers_pattern) : [];
    let m: RegExpMatchArray | null = null;
    if (!patterns.length) m = key.match(/^.*\.[^.]*\.(\d+)\./);
    else
      for (const p of patterns) {
        m = key.match(new RegExp(`^.*\\.${p}\\.(\\d+)\\.`));
        if (m) break;
      }
    if (!m) found = false;
    else {
      const idx = Number(m[1]);
      const lt = spec.layers_to_transform;
      found = typeof lt === 'number' ? idx === lt : lt.includes(idx);
    }
  }
  return found;
}

/**
 * The paths of the modules a method targets. Non-linear matches are an error (peft raises too), and
 * when nothing matches the error lists the model's linear layers so the user can pick.
 */
export function findTargets(model: Module, spec: TargetSpec, method: string, accept: (m: Module) => boolean = isLinearLike): string[] {
  const hits: string[] = [];
  for (const [name, m] of model.namedModules()) {
    if (!name || !matchesTarget(spec, name)) continue;
    if (!accept(m)) throw new UserError(`${method}: target '${name}' is a ${m.constructor.name}, not a linear layer; only linear layers can be targeted`);
    hits.push(name);
  }
  if (!hits.length) {
    const linear = [
      ...new Set(
        model
          .namedModules()
          .filter(([n, m]) => n && isLinearLike(m))
          .map(([n]) => n.split('.').pop()!),
      ),
    ];
    throw new UserError(
      `${method}: target_modules ${JSON.stringify(spec.target_modules)} matched no module; this model's linear layers are: ${linear.join(', ')}`,
    );
  }
  return hits;
}
