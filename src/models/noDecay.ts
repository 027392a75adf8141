import type { Module } from './module.ts';

/**
 * The parameters of `root`'s normalisation modules, by name (HF's get_decay_parameter_names and
 * minGPT's configure_optimizers leave them out of weight decay: decaying a norm's scale towards 0
 * fights the normalisation). Read from the current tree, so injected adapter layers count too.
 */
export function normParameterNames(root: Module, isNorm: (m: Module) => boolean): string[] {
  const out: string[] = [];
  for (const [mName, m] of root.namedModules()) if (isNorm(m)) for (const [p] of m.ownParameters()) out.push(mName ? `${mName}.${p}` : p);
  return out;
}
