/**
 * The sizes in a config.json decide how much memory a model allocates, so they are checked before
 * anything is allocated: each must be a positive integer, each must agree with the weights file's
 * tensor shapes (read from the safetensors headers only), and a config loaded without weights must
 * stay under a bound that a real checkpoint of these families never reaches.
 */
import os from 'node:os';
import { UserError } from '../../util/errors.ts';

/** One size field of a config and, when the weights show it, where. */
export interface SizeField {
  field: string;
  value: number;
  /** The checkpoint tensor (our parameter name) whose `axis` holds value × `per`. */
  tensor?: string;
  axis?: number;
  per?: number;
  /** Or: the number of layers named `<layers>.<i>.…` in the checkpoint. */
  layers?: string;
}

export interface ConfigSizes {
  fields: SizeField[];
  /** Parameters the config allocates (zero weights included). */
  parameters: number;
}

/** Above any real gpt2 / t5 / mt5 size; still small enough to be an integer index everywhere. */
const MAX_SIZE = 1 << 24;

/** Reads `raw[field]` (or its default) as a positive integer, failing with the field and its value. */
export function sizeField(raw: Record<string, unknown>, field: string, dflt: number, source: string, min = 1): number {
  const v = raw[field] ?? dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_SIZE)
    throw new UserError(`${source}: ${field} must be an integer from ${min} to ${MAX_SIZE}, got ${JSON.stringify(v)}`);
  return v;
}

function layerCount(names: Iterable<string>, prefix: string): number {
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.`);
  let n = 0;
  for (const name of names) {
    const m = re.exec(name);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

/**
 * Compares every size with the checkpoint's shapes (`shapes`: our parameter names → shape, from the
 * headers). A tensor that shows a size must be present, so that nothing unchecked is allocated.
 */
export function checkSizesAgainstWeights(sizes: ConfigSizes, shapes: ReadonlyMap<string, readonly number[]>, source: string, weights: string): void {
  for (const f of sizes.fields) {
    if (f.layers !== undefined) {
      const n = layerCount(shapes.keys(), f.layers);
      if (n !== f.value)
        throw new UserError(`${source}: ${f.field} is ${f.value} but the weights in ${weights} have ${n} (layers ${f.layers}.0 … ${f.layers}.${n - 1})`);
      continue;
    }
    if (f.tensor === undefined) continue;
    const shape = shapes.get(f.tensor);
    if (!shape) throw new UserError(`${source}: ${weights} has no tensor '${f.tensor}', which ${f.field} (${f.value}) must match`);
    const per = f.per ?? 1;
    const got = shape[f.axis ?? 0];
    if (got !== f.value * per) {
      const says = got === undefined ? 'nothing' : got % per === 0 ? String(got / per) : `${got} / ${per}`;
      throw new UserError(`${source}: ${f.field} is ${f.value} but the weights in ${weights} say ${says} ('${f.tensor}' has shape [${shape.join(', ')}])`);
    }
  }
}

/** Configs without weights: refuse what could not be allocated (zero float32 weights) on this machine. */
export const MAX_CONFIG_ONLY_PARAMETERS = 3e9;

export function checkConfigOnlySize(sizes: ConfigSizes, source: string, totalMemory = os.totalmem()): void {
  const bytes = 4 * sizes.parameters;
  if (sizes.parameters > MAX_CONFIG_ONLY_PARAMETERS || bytes > 0.75 * totalMemory)
    throw new UserError(
      `${source}: these sizes make ${sizes.parameters.toExponential(2)} parameters (${(bytes / 2 ** 30).toFixed(1)} GiB of float32); ` +
        `refusing more than ${MAX_CONFIG_ONLY_PARAMETERS.toExponential(0)} parameters or 3/4 of this machine's ${(totalMemory / 2 ** 30).toFixed(1)} GiB; check the config`,
    );
}
