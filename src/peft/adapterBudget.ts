/**
 * An adapter config's sizes decide how much attach allocates, and nothing in the config bounds them:
 * a rank of 2^31 makes a typed array too long to exist, a rank of 1e8 asks for gigabytes. So the
 * sizes are checked here, before any tensor is created, against the parameter count they make (the
 * plugin computes it from the config and the base model's shapes) and, for virtual tokens, against
 * the positions of the base model. Every refusal is one line naming the field, its value and the
 * values that would fit.
 */
import os from 'node:os';
import { MAX_CONFIG_ONLY_PARAMETERS } from '../models/hf/configSizes.ts';
import { positionLimit, type LanguageModel } from '../models/registry.ts';
import { showValue, UserError } from '../util/errors.ts';
import type { Adapter } from './adapter.ts';
import type { AdapterSize, AttachContext, PeftConfigBase, PeftPlugin, SizeField } from './plugin.ts';
import { withTrainableTokens } from './trainableTokens.ts';

/**
 * An adapter may be this many times its base model: a full-rank low-rank update on every linear
 * layer makes about twice the weights it adapts, the largest adapter that makes sense; prompt tables
 * that fit in the model's positions stay far below.
 */
export const ADAPTER_SIZE_FACTOR = 4;
/** What every base model allows, however small (64 MiB of float32): toy models still take big ranks. */
export const MIN_ADAPTER_PARAMETERS = 2 ** 24;

interface Limit {
  parameters: number;
  /** Why the limit is what it is, for the message. */
  why: string;
}

/** The most parameters an adapter on `model` may allocate on this machine. */
export function adapterParameterLimit(model: LanguageModel, totalMemory = os.totalmem()): Limit {
  const base = model.numParameters();
  const memory = Math.floor((0.75 * totalMemory) / 4);
  const relative = ADAPTER_SIZE_FACTOR * base;
  const candidates: Limit[] = [
    relative >= MIN_ADAPTER_PARAMETERS
      ? { parameters: relative, why: `${ADAPTER_SIZE_FACTOR} × the base model's ${base.toExponential(2)} parameters` }
      : { parameters: MIN_ADAPTER_PARAMETERS, why: `the allowance of any base model; ${ADAPTER_SIZE_FACTOR} × this one's ${base} parameters is less` },
    { parameters: MAX_CONFIG_ONLY_PARAMETERS, why: 'the most a config alone may allocate, as for model configs' },
    { parameters: memory, why: `3/4 of this machine's ${(totalMemory / 2 ** 30).toFixed(1)} GiB in float32` },
  ];
  return candidates.reduce((a, b) => (b.parameters < a.parameters ? b : a));
}

/** A field's value exactly (the user wrote it); counts compactly. */
const value = (n: number): string => (Number.isSafeInteger(n) ? String(n) : n.toExponential(2));
const show = (n: number): string => (Number.isSafeInteger(n) && n < 1e7 ? String(n) : n.toExponential(2));
const gib = (params: number): string => `${((4 * params) / 2 ** 30).toFixed(1)} GiB of float32`;

/**
 * The largest value of field `i` (the others as they are) whose parameter count fits `limit`, or
 * undefined when even its least value does not. Parameter counts grow with every size.
 */
function largestFitting(size: AdapterSize, i: number, limit: number): number | undefined {
  const values = size.fields.map((f) => f.value);
  const fits = (v: number): boolean => {
    values[i] = v;
    return size.parameters(values) <= limit;
  };
  const field = size.fields[i]!;
  if (!fits(field.min)) return undefined;
  let lo = field.min; // fits
  let hi = field.value; // does not
  while (hi - lo > 1) {
    const mid = Math.floor(lo + (hi - lo) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

const named = (f: SizeField): string => `'${f.field}'`;

function checkPositions(virtualTokens: SizeField | undefined, model: LanguageModel, where: string): void {
  const limit = positionLimit(model);
  if (!virtualTokens || limit === undefined || virtualTokens.value < limit) return;
  const range = limit - 1 >= virtualTokens.min ? `use ${named(virtualTokens)} from ${virtualTokens.min} to ${limit - 1}` : 'this model has no room for any';
  throw new UserError(
    `${where}: ${named(virtualTokens)} is ${value(virtualTokens.value)}, but the virtual tokens take the model's first positions ` +
      `(n_positions=${limit}) and the input needs at least one more: ${range}`,
  );
}

/**
 * Refuses a config whose adapter would not fit (see the file comment); call it after the config is
 * final (inference_mode set) and before attach.
 */
export function checkAdapterSize<C extends PeftConfigBase>(
  plugin: PeftPlugin<C>,
  config: C,
  model: LanguageModel,
  where: string,
  totalMemory = os.totalmem(),
): void {
  const size = plugin.adapterSize?.(config, model);
  if (!size) return;
  checkPositions(size.virtualTokens, model, where);
  const limit = adapterParameterLimit(model, totalMemory);
  const parameters = size.parameters(size.fields.map((f) => f.value));
  if (parameters <= limit.parameters) return;
  const makes = `would allocate ${show(parameters)} adapter parameters (${gib(parameters)}); the limit is ${show(limit.parameters)} (${limit.why})`;
  // Name the field furthest beyond what fits on its own; when no single field can fix it, all of them.
  let worst: { field: SizeField; max: number } | undefined;
  size.fields.forEach((field, i) => {
    if (field.value <= field.min) return;
    const max = largestFitting(size, i, limit.parameters);
    if (max !== undefined && (!worst || field.value / Math.max(max, 1) > worst.field.value / Math.max(worst.max, 1))) worst = { field, max };
  });
  if (worst)
    throw new UserError(
      `${where}: ${named(worst.field)} is ${value(worst.field.value)}, which ${makes}: use ${named(worst.field)} from ${worst.field.min} to ${worst.max}` +
        (size.fields.length > 1 ? ' (with the other sizes as they are)' : ''),
    );
  throw new UserError(`${where}: ${size.fields.map((f) => `${named(f)} = ${value(f.value)}`).join(', ')} ${makes}: make them smaller`);
}

/** plugin.attach, after checkAdapterSize, with the config's trainable token rows: the one way a config becomes allocated tensors. */
export function attachAdapter<C extends PeftConfigBase>(plugin: PeftPlugin<C>, model: LanguageModel, config: C, ctx: AttachContext, where: string): Adapter<C> {
  checkAdapterSize(plugin, config, model, where);
  return withTrainableTokens(plugin.attach(model, config, ctx), model);
}

/** A field name for a rank_pattern-like entry, cut when the key is long. */
export function entryField(field: string, key: string): string {
  return `${field}[${showValue(key, 60)}]`;
}
