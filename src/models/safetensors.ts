/**
 * The safetensors file format (https://huggingface.co/docs/safetensors), read and written the way the
 * reference Rust library does:
 *
 *   [u64 little-endian N][N bytes of UTF-8 JSON header, padded with spaces to a multiple of 8][data]
 *
 * The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets relative to the
 * start of the data area) plus an optional `__metadata__` map of string → string.
 *
 * Reading trusts nothing in the file: the header length must fit in the file and under the Rust library's
 * 100 MB cap, the JSON must parse, every dtype must be known, shapes must be non-negative integers, each
 * tensor's byte length must equal dtype size × element count, and the tensors must tile the data area
 * exactly (no overlap, no gap, nothing after the last tensor — the Rust library refuses the same files).
 * Every check happens before any tensor memory is allocated, and every allocation is bounded by the
 * file's size, so a corrupt or hostile file costs at most its own size. All problems are `UserError`s
 * whose message names the file.
 *
 * Writing follows the Rust serializer byte for byte: tensors ordered by dtype alignment (largest first)
 * then by name, `__metadata__` first in the header, compact JSON, header padded with spaces to 8 bytes.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../util/errors.ts';
import { environmentReason } from '../util/envErrors.ts';

/**
 * Element types, in the order of the Rust `Dtype` enum (increasing alignment). The writer sorts tensors
 * by descending position in this list so that every tensor's data stays aligned to its element size.
 */
export const DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'] as const;
export type Dtype = (typeof DTYPES)[number];

const DTYPE_SIZE: Record<Dtype, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/**
 * The typed array that holds each dtype. There is no Float16Array in Node 20, so F16 and BF16 keep their
 * raw 16-bit patterns (convert with toFloat32); the two 8-bit float formats keep raw bytes too.
 */
export interface DtypeArrays {
  BOOL: Uint8Array;
  U8: Uint8Array;
  I8: Int8Array;
  F8_E5M2: Uint8Array;
  F8_E4M3: Uint8Array;
  I16: Int16Array;
  U16: Uint16Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I32: Int32Array;
  U32: Uint32Array;
  F32: Float32Array;
  F64: Float64Array;
  I64: BigInt64Array;
  U64: BigUint64Array;
}
export type TensorData = DtypeArrays[Dtype];

type ArrayCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData;
  new (length: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
};
const DTYPE_ARRAY: Record<Dtype, ArrayCtor> = {
  BOOL: Uint8Array,
  U8: Uint8Array,
  I8: Int8Array,
  F8_E5M2: Uint8Array,
  F8_E4M3: Uint8Array,
  I16: Int16Array,
  U16: Uint16Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I32: Int32Array,
  U32: Uint32Array,
  F32: Float32Array,
  F64: Float64Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
};

/** One tensor: its dtype, its shape (row-major) and its elements in the typed array for that dtype. */
export interface Tensor<D extends Dtype = Dtype> {
  dtype: D;
  shape: number[];
  data: DtypeArrays[D];
}

export interface SafetensorsContents {
  /** Tensors in file order (by data offset). */
  tensors: Map<string, Tensor>;
  /** The `__metadata__` map (e.g. {format: 'pt'}), or undefined when the file has none. */
  metadata: Record<string, string> | undefined;
}

/** What the header says about one tensor, before its bytes are read. */
export interface TensorInfo {
  dtype: Dtype;
  shape: number[];
  /** Byte offsets [begin, end) relative to the start of the data area. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** Byte length of the JSON header (N); the data area starts at 8 + N. */
  headerLength: number;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string> | undefined;
}

/** Same cap as the Rust library (MAX_HEADER_SIZE): a larger header is refused before it is read. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

export function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && (DTYPES as readonly string[]).includes(s);
}

export function dtypeSize(dtype: Dtype): number {
  return DTYPE_SIZE[dtype];
}

/** Element count of a shape (1 for a scalar shape []). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// ---------------------------------------------------------------------------------------------------
// Reading

/**
 * Parses a whole safetensors file held in memory. `source` names the file in error messages.
 * Tensor data are views into `bytes` where alignment allows (zero-copy); pass {copy: true} to get
 * arrays that own their memory.
 */
export function parseSafetensors(bytes: Uint8Array, source = '<buffer>', opts: { copy?: boolean } = {}): SafetensorsContents {
  const header = parseHeaderBytes(bytes, source, bytes.length);
  const dataStart = 8 + header.headerLength;
  const tensors = new Map<string, Tensor>();
  for (const [name, info] of header.tensors) {
    const [begin, end] = info.dataOffsets;
    tensors.set(name, {
      dtype: info.dtype,
      shape: info.shape,
      data: viewOrCopy(bytes, dataStart + begin, end - begin, info.dtype, opts.copy ?? false),
    });
  }
  return { tensors, metadata: header.metadata };
}

/**
 * Reads and validates a .safetensors file. The header is read and checked first; then each tensor is
 * read straight into its own typed array, so memory use is the tensors' size (no second copy of the
 * file, and no 2 GiB single-buffer limit).
 */
export function readSafetensors(file: string): SafetensorsContents {
  return withFile(file, (fd, size) => {
    const header = readHeader(fd, size, file);
    const dataStart = 8 + header.headerLength;
    const tensors = new Map<string, Tensor>();
    for (const [name, info] of header.tensors) {
      const [begin, end] = info.dataOffsets;
      const data = new DTYPE_ARRAY[info.dtype]((end - begin) / DTYPE_SIZE[info.dtype]);
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      readFully(fd, bytes, dataStart + begin, file);
      if (!LITTLE_ENDIAN_HOST && DTYPE_SIZE[info.dtype] > 1) swapBytes(bytes, DTYPE_SIZE[info.dtype]);
      tensors.set(name, { dtype: info.dtype, shape: info.shape, data });
    }
    return { tensors, metadata: header.metadata };
  });
}

/**
 * Reads only the header of a .safetensors file (8 + N bytes), validated against the file's size, so
 * names, dtypes and shapes of a large checkpoint can be listed without loading its data.
 */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  return withFile(file, (fd, size) => readHeader(fd, size, file));
}

function withFile<T>(file: string, fn: (fd: number, size: number) => T): T {
  let fd: number;
  let size: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new UserError(`cannot read safetensors file ${file}: ${ioReason(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new UserError(`cannot read safetensors file ${file}: it is a directory`);
    size = stat.size;
    return fn(fd, size);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read safetensors file ${file}: ${ioReason(e)}`);
  } finally {
    closeSync(fd);
  }
}

function readHeader(fd: number, size: number, file: string): SafetensorsHeader {
  const prefix = Buffer.alloc(Math.min(8, size));
  readFully(fd, prefix, 0, file);
  const n = checkHeaderLength(prefix, file, size);
  const buf = Buffer.alloc(8 + n);
  prefix.copy(buf, 0, 0, 8);
  readFully(fd, buf.subarray(8), 8, file);
  return parseHeaderBytes(buf, file, size);
}

/** Fills `into` from the file at `position` (readSync moves at most 2 GiB per call). */
function readFully(fd: number, into: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, Math.min(into.length - done, 1 << 30), position + done);
    if (got === 0) throw new UserError(`${file}: file ended early (it changed while being read?)`);
    done += got;
  }
}

/** Validates the 8-byte length prefix against the file size; returns the header length N. */
function checkHeaderLength(bytes: Uint8Array, source: string, fileSize: number): number {
  if (bytes.length < 8 || fileSize < 8) throw new UserError(`${source}: not a safetensors file: ${fileSize} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new UserError(`${source}: not a safetensors file: header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const len = Number(n);
  if (8 + len > fileSize)
    throw new UserError(`${source}: truncated or not a safetensors file: header length ${len} runs past the end of the file (${fileSize} bytes)`);
  return len;
}

/** Parses and validates the header held in the first 8 + N bytes of `bytes`; `fileSize` is the whole file's size. */
function parseHeaderBytes(bytes: Uint8Array, source: string, fileSize: number): SafetensorsHeader {
  const n = checkHeaderLength(bytes, source, fileSize);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new UserError(`${source}: invalid safetensors header: not valid UTF-8`);
  }
  if (!text.startsWith('{')) throw new UserError(`${source}: invalid safetensors header: it must be a JSON object starting with '{'`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // V8 quotes a snippet of the input; keep the message to one short line.
    const reason = (e as Error).message.replace(/\s+/g, ' ').slice(0, 200);
    throw new UserError(`${source}: invalid safetensors header: not valid JSON (${reason})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UserError(`${source}: invalid safetensors header: it must be a JSON object`);

  let metadata: Record<string, string> | undefined;
  const entries: Array<[string, TensorInfo]> = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      metadata = parseMetadata(value, source);
      continue;
    }
    entries.push([name, parseTensorInfo(name, value, source)]);
  }

  // Like the Rust reader: order by offsets, then require the tensors to tile [0, data length) exactly.
  entries.sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  const dataLength = fileSize - 8 - n;
  let cursor = 0;
  for (const [name, info] of entries) {
    const [begin, end] = info.dataOffsets;
    if (begin < cursor)
      throw new UserError(`${source}: tensor '${name}' overlaps the previous tensor (data_offsets [${begin}, ${end}] start before byte ${cursor})`);
    if (begin > cursor)
      throw new UserError(`${source}: gap in the data before tensor '${name}' (data_offsets start at ${begin}, previous tensor ended at ${cursor})`);
    if (end > dataLength)
      throw new UserError(`${source}: tensor '${name}' data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes): file truncated?`);
    cursor = end;
  }
  if (cursor !== dataLength)
    throw new UserError(
      `${source}: ${dataLength - cursor} bytes after the last tensor are not covered by the header (data length ${dataLength}, tensors end at ${cursor})`,
    );

  return { headerLength: n, tensors: new Map(entries), metadata };
}

function parseMetadata(value: unknown, source: string): Record<string, string> | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new UserError(`${source}: invalid safetensors header: __metadata__ must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string')
      throw new UserError(`${source}: invalid safetensors header: __metadata__ value for '${k}' must be a string, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

function parseTensorInfo(name: string, value: unknown, source: string): TensorInfo {
  const where = `${source}: tensor '${name}'`;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UserError(`${where}: header entry must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isDtype(dtype)) throw new UserError(`${where}: unknown dtype ${JSON.stringify(dtype)}; valid: ${DTYPES.join(', ')}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    throw new UserError(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) ||
    (offsets[0] as number) > (offsets[1] as number)
  )
    throw new UserError(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  const [begin, end] = offsets as [number, number];
  // BigInt so that an absurd shape cannot overflow into a plausible byte count.
  const expected = (shape as number[]).reduce((acc, d) => acc * BigInt(d), 1n) * BigInt(DTYPE_SIZE[dtype]);
  if (expected !== BigInt(end - begin))
    throw new UserError(
      `${where}: ${dtype} shape [${(shape as number[]).join(', ')}] needs ${expected} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  return { dtype, shape: [...(shape as number[])], dataOffsets: [begin, end] };
}

function viewOrCopy(bytes: Uint8Array, start: number, byteLength: number, dtype: Dtype, copy: boolean): TensorData {
  const Ctor = DTYPE_ARRAY[dtype];
  const size = DTYPE_SIZE[dtype];
  const count = byteLength / size;
  const absolute = bytes.byteOffset + start;
  if (!copy && LITTLE_ENDIAN_HOST && absolute % size === 0) return new Ctor(bytes.buffer, absolute, count);
  const out = new Ctor(count);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, byteLength);
  outBytes.set(bytes.subarray(start, start + byteLength));
  if (!LITTLE_ENDIAN_HOST && size > 1) swapBytes(outBytes, size);
  return out;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

// ---------------------------------------------------------------------------------------------------
// Writing

export type TensorMap = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

interface PreparedFile {
  header: Uint8Array; // length prefix + padded JSON
  order: Array<[string, Tensor]>;
  dataLength: number;
}

function prepare(tensors: TensorMap, metadata: Readonly<Record<string, string>> | undefined): PreparedFile {
  const list: Array<[string, Tensor]> = tensors instanceof Map ? [...tensors] : Object.entries(tensors as Record<string, Tensor>);
  for (const [name, t] of list) checkTensor(name, t);
  const rank = (d: Dtype) => DTYPES.indexOf(d);
  const utf8 = new Map(list.map(([name]) => [name, Buffer.from(name, 'utf8')]));
  // Rust: descending dtype alignment, then name (byte-wise, i.e. UTF-8 order).
  list.sort(([na, a], [nb, b]) => rank(b.dtype) - rank(a.dtype) || Buffer.compare(utf8.get(na)!, utf8.get(nb)!));

  const parts: string[] = [];
  if (metadata !== undefined) {
    const entries = Object.keys(metadata).sort();
    for (const k of entries) {
      if (typeof metadata[k] !== 'string') throw new TypeError(`safetensors metadata value for '${k}' must be a string`);
      checkWellFormed(k, 'metadata key');
      checkWellFormed(metadata[k]!, 'metadata value');
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${entries.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of list) {
    const n = t.data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + n}]}`);
    offset += n;
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  const header = Buffer.alloc(8 + padded, 0x20);
  header.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(header, 8);
  return { header, order: list, dataLength: offset };
}

function checkTensor(name: string, t: Tensor): void {
  if (name === METADATA_KEY) throw new TypeError(`'${METADATA_KEY}' is reserved and cannot be a tensor name`);
  checkWellFormed(name, 'tensor name');
  if (!isDtype(t.dtype)) throw new TypeError(`tensor '${name}': unknown dtype ${String(t.dtype)}`);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new TypeError(`tensor '${name}': shape must be non-negative integers, got [${t.shape.join(', ')}]`);
  if (!(t.data instanceof DTYPE_ARRAY[t.dtype])) throw new TypeError(`tensor '${name}': ${t.dtype} data must be a ${DTYPE_ARRAY[t.dtype].name}`);
  if (t.data.length !== numel(t.shape))
    throw new TypeError(`tensor '${name}': shape [${t.shape.join(', ')}] has ${numel(t.shape)} elements but data has ${t.data.length}`);
}

function checkWellFormed(s: string, what: string): void {
  // A lone surrogate has no UTF-8 encoding; Buffer.from would silently replace it.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s))
    throw new TypeError(`safetensors ${what} ${JSON.stringify(s)} is not valid Unicode (lone surrogate)`);
}

function tensorBytes(t: Tensor): Uint8Array {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (LITTLE_ENDIAN_HOST || DTYPE_SIZE[t.dtype] === 1) return bytes;
  const swapped = bytes.slice();
  swapBytes(swapped, DTYPE_SIZE[t.dtype]);
  return swapped;
}

/** The bytes of a safetensors file holding `tensors` (and `metadata`), as the Rust serializer lays them out. */
export function serializeSafetensors(tensors: TensorMap, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const { header, order, dataLength } = prepare(tensors, metadata);
  const out = new Uint8Array(header.length + dataLength);
  out.set(header, 0);
  let at = header.length;
  for (const [, t] of order) {
    out.set(tensorBytes(t), at);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Writes a safetensors file atomically: the bytes go to a temporary file in the same directory, are
 * flushed, and the temporary file is renamed over `file`, so readers never see a half-written file.
 */
export function writeSafetensors(file: string, tensors: TensorMap, metadata?: Readonly<Record<string, string>>): void {
  const { header, order } = prepare(tensors, metadata);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    writeAll(fd, header);
    for (const [, t] of order) writeAll(fd, tensorBytes(t));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created or is already gone
    }
    throw new UserError(`cannot write safetensors file ${file}: ${ioReason(e)}`);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file or directory';
  if (err?.code === 'EISDIR') return 'it is a directory';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  return environmentReason(e) ?? err?.message ?? String(e);
}

// ---------------------------------------------------------------------------------------------------
// Half-precision and 8-bit float conversions

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** IEEE binary16 bits → float32 value (exact: every half is a float). */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** float32 value → IEEE binary16 bits, rounding to nearest, ties to even (as torch's .half()). */
export function f32ToF16Bits(x: number): number {
  f32buf[0] = x;
  const bits = u32buf[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return mant ? sign | 0x7e00 | (mant >>> 13) : sign | 0x7c00; // NaN stays NaN (quiet)
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large even before rounding: infinity
  if (e <= 0) {
    // Result is subnormal (or zero): shift the full significand into the 10-bit field.
    if (e < -10) return sign; // below half of the smallest subnormal: rounds to zero
    const m = mant | 0x800000;
    const shift = 14 - e;
    let r = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && r & 1)) r++;
    return sign | r; // a carry into bit 10 correctly yields the smallest normal
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && r & 1)) r++; // a carry into the exponent (even to infinity) is right
  return sign | r;
}

/** bfloat16 bits → float32 value (exact: the high half of a float32). */
export function bf16BitsToF32(h: number): number {
  u32buf[0] = (h & 0xffff) << 16;
  return f32buf[0]!;
}

/** float32 value → bfloat16 bits, round to nearest even (as torch's .bfloat16()); NaN stays a quiet NaN. */
export function f32ToBf16Bits(x: number): number {
  f32buf[0] = x;
  const bits = u32buf[0]!;
  if ((bits & 0x7fffffff) > 0x7f800000) return ((bits >>> 16) | 0x0040) & 0xffff;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float8 e4m3fn (no infinities, 0x7f/0xff are NaN) → float32. */
export function f8e4m3BitsToF32(b: number): number {
  const sign = b & 0x80 ? -1 : 1;
  const exp = (b >> 3) & 0xf;
  const mant = b & 0x7;
  if (exp === 0xf && mant === 0x7) return NaN;
  if (exp === 0) return sign * mant * 2 ** -9;
  return sign * (8 + mant) * 2 ** (exp - 10);
}

/** float8 e5m2 (IEEE-like: infinities and NaNs) → float32. */
export function f8e5m2BitsToF32(b: number): number {
  return f16BitsToF32((b & 0xff) << 8);
}

let f16Table: Float32Array | undefined;
let bf16Table: Float32Array | undefined;

/** Any tensor's values as float32 (F32 data is returned as is, not copied). */
export function toFloat32(t: Tensor): Float32Array {
  const { data } = t;
  switch (t.dtype) {
    case 'F32':
      return data as Float32Array;
    case 'F16': {
      f16Table ??= Float32Array.from({ length: 65536 }, (_, h) => f16BitsToF32(h));
      const out = new Float32Array(data.length);
      const bits = data as Uint16Array;
      for (let i = 0; i < bits.length; i++) out[i] = f16Table[bits[i]!]!;
      return out;
    }
    case 'BF16': {
      bf16Table ??= Float32Array.from({ length: 65536 }, (_, h) => bf16BitsToF32(h));
      const out = new Float32Array(data.length);
      const bits = data as Uint16Array;
      for (let i = 0; i < bits.length; i++) out[i] = bf16Table[bits[i]!]!;
      return out;
    }
    case 'F8_E4M3':
      return Float32Array.from(data as Uint8Array, f8e4m3BitsToF32);
    case 'F8_E5M2':
      return Float32Array.from(data as Uint8Array, f8e5m2BitsToF32);
    case 'I64':
    case 'U64':
      return Float32Array.from(data as BigInt64Array | BigUint64Array, (v) => Number(v));
    default:
      return Float32Array.from(data as ArrayLike<number>);
  }
}

/** A float tensor of the given dtype from float32 values (round to nearest even for F16/BF16). */
export function fromFloat32<D extends 'F32' | 'F64' | 'F16' | 'BF16'>(values: Float32Array, dtype: D, shape: number[]): Tensor<D> {
  if (values.length !== numel(shape)) throw new TypeError(`shape [${shape.join(', ')}] does not match ${values.length} values`);
  let data: TensorData;
  if (dtype === 'F32') data = values;
  else if (dtype === 'F64') data = Float64Array.from(values);
  else {
    const convert = dtype === 'F16' ? f32ToF16Bits : f32ToBf16Bits;
    const out = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = convert(values[i]!);
    data = out;
  }
  return { dtype, shape: [...shape], data: data as DtypeArrays[D] };
}

const FLOAT_DTYPES: ReadonlySet<Dtype> = new Set(['F32', 'F16', 'BF16', 'F64', 'F8_E4M3', 'F8_E5M2']);

/**
 * A float parameter's values as float32. An integer dtype (e.g. F16 bits relabelled I16) and a
 * non-finite value would otherwise load without a word and turn every output into NaN, so both are
 * refused; `where` names the file and the tensor.
 */
export function floatParameter(t: Tensor, where: string): Float32Array {
  if (!FLOAT_DTYPES.has(t.dtype))
    throw new UserError(`${where}: dtype ${t.dtype} is not a float type; a weight must be F32, F16 or BF16 (or F64, F8_E4M3, F8_E5M2)`);
  const values = toFloat32(t);
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i]!))
      throw new UserError(`${where}: element ${i} is ${values[i]} (as float32); weights must be finite: the file is corrupt or from a diverged run`);
  return values;
}
