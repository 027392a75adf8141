/**
 * NF4-quantized checkpoints in safetensors, laid out as bitsandbytes' Linear4bit state dict
 * (QuantState.as_dict(packed=True)), so the files are what a bitsandbytes/transformers 4-bit model saves.
 * For a weight named W:
 *
 *   W                                     U8  [ceil(n/2), 1]  packed 4-bit codes (first element in the high nibble)
 *   W.absmax                              F32 [blocks]        per-block absmax, or with double quantization
 *                                         U8  [blocks]        its 8-bit codes
 *   W.quant_map                           F32 [16]            the NF4 code values
 *   W.nested_absmax                       F32 [ceil(blocks/256)]   (double quantization only)
 *   W.nested_quant_map                    F32 [256]           the signed dynamic map (double quantization only)
 *   W.quant_state.bitsandbytes__nf4       U8  [len]           UTF-8 JSON of the non-tensor fields, written as
 *                                         Python's json.dumps does: {"quant_type": "nf4", "blocksize": 64,
 *                                         "dtype": "float32", "shape": [..], "nested_blocksize": 256,
 *                                         "nested_dtype": "float32", "nested_offset": 0.1327...}
 *
 * Every other tensor is stored unchanged. Loading validates all of it against the JSON (sizes, dtypes,
 * known keys) and fails with a UserError naming the file and the tensor.
 */
import { numel, readSafetensors, writeSafetensors, type Tensor } from '../../src/models/safetensors.ts';
import { UserError } from '../../src/util/errors.ts';
import type { QuantizedCheckpoint as Checkpoint } from '../../src/peft/weightQuantizer.ts';
import { NF4_BLOCKSIZES, NF4_CODE, nf4Numel, type Nf4Tensor, type OriginalDtype } from './nf4.ts';

export const QUANT_STATE_PREFIX = 'quant_state.bitsandbytes__';
export const NF4_STATE_SUFFIX = `.${QUANT_STATE_PREFIX}nf4`;

/** Keys bitsandbytes accepts in a quant state (QuantState.valid_qs_keys). */
const VALID_STATE_KEYS = new Set([
  'absmax',
  'quant_map',
  'nested_absmax',
  'nested_quant_map',
  'quant_state',
  'quant_type',
  'blocksize',
  'dtype',
  'shape',
  'nested_blocksize',
  'nested_dtype',
  'nested_offset',
]);

/** A checkpoint whose selected weights are NF4; `tensors` holds everything stored unquantized. */
export type QuantizedCheckpoint = Checkpoint<Nf4Tensor>;

/** The safetensors entries bitsandbytes writes for one quantized weight. */
export function bitsandbytesEntries(name: string, t: Nf4Tensor): Array<[string, Tensor]> {
  const entries: Array<[string, Tensor]> = [[name, { dtype: 'U8', shape: [t.packed.length, 1], data: t.packed }]];
  if (t.nested) {
    entries.push([`${name}.absmax`, { dtype: 'U8', shape: [t.nested.absmaxQ8.length], data: t.nested.absmaxQ8 }]);
  } else {
    if (!t.absmax) throw new Error(`${name}: NF4 tensor has neither absmax nor a nested state`);
    entries.push([`${name}.absmax`, { dtype: 'F32', shape: [t.absmax.length], data: t.absmax }]);
  }
  entries.push([`${name}.quant_map`, { dtype: 'F32', shape: [16], data: NF4_CODE }]);
  if (t.nested) {
    entries.push([`${name}.nested_absmax`, { dtype: 'F32', shape: [t.nested.absmax2.length], data: t.nested.absmax2 }]);
    entries.push([`${name}.nested_quant_map`, { dtype: 'F32', shape: [t.nested.code.length], data: t.nested.code }]);
  }
  const json = Buffer.from(quantStateJson(t), 'utf8');
  entries.push([`${name}${NF4_STATE_SUFFIX}`, { dtype: 'U8', shape: [json.length], data: new Uint8Array(json) }]);
  return entries;
}

/** The packed non-tensor fields, byte for byte as bitsandbytes' pack_dict_to_tensor (json.dumps) writes them. */
export function quantStateJson(t: Nf4Tensor): string {
  const fields: Array<[string, string]> = [
    ['quant_type', '"nf4"'],
    ['blocksize', String(t.blocksize)],
    ['dtype', JSON.stringify(t.dtype)],
    ['shape', `[${t.shape.join(', ')}]`],
  ];
  if (t.nested) {
    fields.push(['nested_blocksize', String(t.nested.blocksize)], ['nested_dtype', '"float32"'], ['nested_offset', pythonFloatRepr(t.nested.offset)]);
  }
  return `{${fields.map(([k, v]) => `"${k}": ${v}`).join(', ')}}`;
}

/** repr() of a Python float (shortest round-trip digits; exponent form below 1e-4 and from 1e16). */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity'; // json.dumps spelling
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/** All tensors of a quantized checkpoint in the bitsandbytes layout, refusing name clashes. */
export function quantizedStateDict(ckpt: QuantizedCheckpoint): Map<string, Tensor> {
  const out = new Map<string, Tensor>(ckpt.tensors);
  for (const [name, t] of ckpt.quantized) {
    for (const [key, tensor] of bitsandbytesEntries(name, t)) {
      if (out.has(key)) throw new UserError(`cannot store quantized '${name}': its quant-state entry '${key}' clashes with another tensor of that name`);
      out.set(key, tensor);
    }
  }
  return out;
}

export function saveQuantizedFile(file: string, ckpt: QuantizedCheckpoint): void {
  writeSafetensors(file, quantizedStateDict(ckpt), ckpt.metadata ?? { format: 'pt' });
}

export function loadQuantizedFile(file: string): QuantizedCheckpoint {
  const { tensors, metadata } = readSafetensors(file);
  return { ...splitQuantized(tensors, file), ...(metadata ? { metadata } : {}) };
}

/**
 * Separates a state dict into NF4 weights (rebuilt from their bitsandbytes entries, fully validated)
 * and the remaining plain tensors.
 */
export function splitQuantized(all: ReadonlyMap<string, Tensor>, source: string): Omit<QuantizedCheckpoint, 'metadata'> {
  const rest = new Map(all);
  const quantized = new Map<string, Nf4Tensor>();
  for (const key of all.keys()) {
    const at = key.lastIndexOf(`.${QUANT_STATE_PREFIX}`);
    if (at < 0) continue;
    const kind = key.slice(at + 1 + QUANT_STATE_PREFIX.length);
    if (kind !== 'nf4') throw new UserError(`${source}: '${key}': only nf4 quantization is supported, not '${kind}'`);
    const name = key.slice(0, at);
    quantized.set(name, readEntry(name, all, source));
    for (const suffix of ['', '.absmax', '.quant_map', '.nested_absmax', '.nested_quant_map', NF4_STATE_SUFFIX]) rest.delete(name + suffix);
  }
  return { quantized, tensors: rest };
}

/** Reads the entries of one quantized tensor, failing with one message that names the file and the tensor. */
interface EntryReader {
  fail(problem: string): never;
  get(suffix: string, dtype: Tensor['dtype'], length?: number): Tensor;
  has(suffix: string): boolean;
}

function entryReader(name: string, all: ReadonlyMap<string, Tensor>, source: string): EntryReader {
  const where = `${source}: quantized tensor '${name}'`;
  const fail = (problem: string): never => {
    throw new UserError(`${where}: ${problem}`);
  };
  return {
    fail,
    has: (suffix) => all.has(name + suffix),
    get(suffix, dtype, length) {
      const t = all.get(name + suffix);
      if (!t) return fail(`missing entry '${name + suffix}'`);
      if (t.dtype !== dtype) fail(`'${name + suffix}' must be ${dtype}, got ${t.dtype}`);
      if (length !== undefined && t.data.length !== length) fail(`'${name + suffix}' must hold ${length} values, got ${t.data.length}`);
      return t;
    },
  };
}

/** bitsandbytes' quant_state: a JSON object of known fields, NF4 only. */
function parseQuantState(r: EntryReader): Record<string, unknown> {
  const stateTensor = r.get(NF4_STATE_SUFFIX, 'U8');
  let state: Record<string, unknown>;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(stateTensor.data as Uint8Array);
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    state = parsed as Record<string, unknown>;
  } catch {
    return r.fail('its quant_state is not a JSON object');
  }
  for (const k of Object.keys(state)) if (!VALID_STATE_KEYS.has(k)) r.fail(`unknown quant_state field '${k}'`);
  if (state.quant_type !== 'nf4') r.fail(`quant_type must be "nf4", got ${JSON.stringify(state.quant_type)}`);
  return state;
}

/** The per-block scales: float32 absmax, or (double quantization) 8-bit absmax with its own float32 scales. */
function readBlockScales(r: EntryReader, state: Record<string, unknown>, blocks: number, t: Nf4Tensor): void {
  const nestedFields = ['nested_blocksize', 'nested_dtype', 'nested_offset'].filter((k) => k in state);
  const nestedTensors = ['.nested_absmax', '.nested_quant_map'].filter((s) => r.has(s));
  if (nestedFields.length === 0 && nestedTensors.length === 0) {
    const absmax = r.get('.absmax', 'F32', blocks).data as Float32Array;
    if (!absmax.every((v) => Number.isFinite(v) && v >= 0)) r.fail('absmax values must be finite and non-negative');
    t.absmax = absmax;
    return;
  }
  if (nestedFields.length !== 3 || nestedTensors.length !== 2)
    r.fail('double quantization needs nested_blocksize, nested_dtype, nested_offset, nested_absmax and nested_quant_map together');
  const nestedBlocksize = state.nested_blocksize;
  if (!Number.isSafeInteger(nestedBlocksize) || (nestedBlocksize as number) <= 0)
    r.fail(`nested_blocksize must be a positive integer, got ${JSON.stringify(nestedBlocksize)}`);
  if (state.nested_dtype !== 'float32') r.fail(`nested_dtype must be "float32", got ${JSON.stringify(state.nested_dtype)}`);
  const offset = state.nested_offset;
  if (typeof offset !== 'number' || !Number.isFinite(offset)) r.fail(`nested_offset must be a finite number, got ${JSON.stringify(offset)}`);
  const absmaxQ8 = r.get('.absmax', 'U8', blocks).data as Uint8Array;
  const absmax2 = r.get('.nested_absmax', 'F32', Math.ceil(blocks / (nestedBlocksize as number))).data as Float32Array;
  const code = r.get('.nested_quant_map', 'F32', 256).data as Float32Array;
  if (!absmax2.every(Number.isFinite) || !code.every(Number.isFinite)) r.fail('nested_absmax and nested_quant_map must be finite');
  t.nested = { offset: Math.fround(offset as number), absmaxQ8, absmax2, blocksize: nestedBlocksize as number, code };
}

function readEntry(name: string, all: ReadonlyMap<string, Tensor>, source: string): Nf4Tensor {
  const r = entryReader(name, all, source);
  const fail = r.fail;
  const state = parseQuantState(r);
  const blocksize = state.blocksize;
  if (typeof blocksize !== 'number' || !NF4_BLOCKSIZES.includes(blocksize))
    fail(`blocksize must be one of ${NF4_BLOCKSIZES.join(', ')}, got ${JSON.stringify(blocksize)}`);
  const dtype = state.dtype;
  if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'bfloat16') fail(`dtype must be float32, float16 or bfloat16, got ${JSON.stringify(dtype)}`);
  const shape = state.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    return fail(`shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  const n = numel(shape as number[]);
  if (!Number.isSafeInteger(n)) fail(`shape [${shape.join(', ')}] is too large`);
  const blocks = Math.ceil(n / (blocksize as number));

  const packed = r.get('', 'U8', Math.ceil(n / 2)).data as Uint8Array;
  const quantMap = r.get('.quant_map', 'F32', 16).data as Float32Array;
  if (!quantMap.every((v, i) => v === NF4_CODE[i])) fail('quant_map is not the NF4 code');

  const t: Nf4Tensor = {
    shape: shape as number[],
    dtype: dtype as OriginalDtype,
    blocksize: blocksize as number,
    packed,
  };
  readBlockScales(r, state, blocks, t);
  if (nf4Numel(t) !== n) fail('inconsistent shape');
  return t;
}
