import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/util/errors.ts';
import {
  DTYPES,
  dtypeSize,
  numel,
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  type Dtype,
  type SafetensorsContents,
  type Tensor,
} from '../../src/models/safetensors.ts';

/** A tensor with random raw bytes: every bit pattern (NaN payloads included) must survive a round trip. */
const arbTensor: fc.Arbitrary<Tensor> = fc
  .record({
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
  })
  .chain(({ dtype, shape }) =>
    fc.uint8Array({ minLength: numel(shape) * dtypeSize(dtype), maxLength: numel(shape) * dtypeSize(dtype) }).map((raw) => {
      const copy = new Uint8Array(raw); // own, aligned buffer
      return { dtype, shape, data: typedView(dtype, copy.buffer) };
    }),
  );

function typedView(dtype: Dtype, buffer: ArrayBuffer): Tensor['data'] {
  const ctor = {
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
  }[dtype];
  return new ctor(buffer) as Tensor['data'];
}

const arbName = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 })).filter((s) => s !== '__metadata__');
const arbFile = fc.record({
  tensors: fc.dictionary(arbName, arbTensor, { maxKeys: 6 }),
  metadata: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 }), { maxKeys: 3 }), { nil: undefined }),
});

function rawBytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Whatever parse returns must be self-consistent and no bigger than the input. */
function checkInvariants(parsed: SafetensorsContents, inputLength: number): void {
  let total = 0;
  for (const t of parsed.tensors.values()) {
    expect(t.data.length).toBe(numel(t.shape));
    expect(t.data.byteLength).toBe(numel(t.shape) * dtypeSize(t.dtype));
    total += t.data.byteLength;
  }
  expect(total).toBeLessThanOrEqual(inputLength);
}

function parseOrUserError(bytes: Uint8Array): SafetensorsContents | undefined {
  try {
    return parseSafetensors(bytes, 'fuzz.safetensors');
  } catch (e) {
    if (!(e instanceof UserError)) throw e; // anything else is a crash
    expect(e.message.startsWith('fuzz.safetensors: ')).toBe(true);
    return undefined;
  }
}

describe('safetensors properties', () => {
  it('random tensors round-trip exactly, and re-serialising is byte-identical', () => {
    fc.assert(
      fc.property(arbFile, ({ tensors, metadata }) => {
        const bytes = serializeSafetensors(tensors, metadata);
        expect(Number(Buffer.from(bytes).readBigUInt64LE(0)) % 8).toBe(0);
        const parsed = parseSafetensors(bytes);
        expect(parsed.metadata).toEqual(metadata);
        expect(new Set(parsed.tensors.keys())).toEqual(new Set(Object.keys(tensors)));
        for (const [name, t] of Object.entries(tensors)) {
          const back = parsed.tensors.get(name)!;
          expect(back.dtype).toBe(t.dtype);
          expect(back.shape).toEqual(t.shape);
          expect(back.data.constructor).toBe(t.data.constructor);
          expect(Buffer.from(rawBytes(back))).toEqual(Buffer.from(rawBytes(t)));
          // The writer's ordering keeps every tensor aligned to its element size.
          expect(rawBytes(back).byteOffset % dtypeSize(t.dtype)).toBe(0);
        }
        expect(Buffer.from(serializeSafetensors(parsed.tensors, parsed.metadata))).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('random byte corruptions, truncations and extensions give a valid result or a UserError', () => {
    const arbMutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      fc.record({ kind: fc.constant('length' as const), value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
    );
    fc.assert(
      fc.property(arbFile, fc.array(arbMutation, { minLength: 1, maxLength: 4 }), ({ tensors, metadata }, mutations) => {
        let bytes: Uint8Array = serializeSafetensors(tensors, metadata);
        for (const m of mutations) {
          if (m.kind === 'flip' && bytes.length) bytes[m.at % bytes.length] = m.value;
          else if (m.kind === 'truncate') bytes = bytes.slice(0, m.at % (bytes.length + 1));
          else if (m.kind === 'extend') bytes = Buffer.concat([bytes, m.extra]);
          else if (m.kind === 'length' && bytes.length >= 8) Buffer.from(bytes.buffer, bytes.byteOffset, 8).writeBigUInt64LE(m.value, 0);
        }
        const parsed = parseOrUserError(bytes);
        if (parsed) checkInvariants(parsed, bytes.length);
      }),
      { numRuns: 500 },
    );
  });

  it('reading a corrupted file from disk agrees with parsing the same bytes in memory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'peft-st-fuzz-'));
    try {
      const file = path.join(dir, 'fuzz.safetensors');
      fc.assert(
        fc.property(arbFile, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), ({ tensors, metadata }, at, value, cut) => {
          const bytes = Buffer.from(serializeSafetensors(tensors, metadata));
          if (bytes.length) bytes[at % bytes.length] = value;
          const cutBytes = bytes.subarray(0, bytes.length - (cut % 3 === 0 ? cut % 7 : 0));
          writeFileSync(file, cutBytes);
          const fromMemory = parseOrUserError(cutBytes);
          let fromDisk: ReturnType<typeof readSafetensors> | undefined;
          try {
            fromDisk = readSafetensors(file);
          } catch (e) {
            if (!(e instanceof UserError)) throw e;
          }
          expect(fromDisk === undefined).toBe(fromMemory === undefined);
          if (fromDisk && fromMemory) {
            expect([...fromDisk.tensors.keys()]).toEqual([...fromMemory.tensors.keys()]);
            for (const [name, t] of fromDisk.tensors) expect(Buffer.from(rawBytes(t))).toEqual(Buffer.from(rawBytes(fromMemory.tensors.get(name)!)));
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('random headers (wrong types, huge numbers, bad offsets) give a valid result or a UserError', () => {
    const anyJson = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string({ maxLength: 4 }),
      fc.constant(null),
      fc.boolean(),
      fc.constant(2 ** 53),
      fc.constant(1e300),
      fc.constant(-1),
    );
    const arbEntry = fc.record(
      {
        dtype: fc.oneof(fc.constantFrom(...DTYPES), fc.constantFrom('F12', 'f32', '', 'Q4'), anyJson),
        shape: fc.oneof(fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(2 ** 40), anyJson), { maxLength: 4 }), anyJson),
        data_offsets: fc.oneof(fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 64 })), fc.array(anyJson, { maxLength: 3 }), anyJson),
      },
      { requiredKeys: [] },
    );
    const arbHeader = fc.dictionary(
      fc.oneof(fc.string({ maxLength: 3 }), fc.constant('__metadata__')),
      fc.oneof(arbEntry, anyJson, fc.dictionary(fc.string({ maxLength: 3 }), anyJson)),
      {
        maxKeys: 5,
      },
    );
    fc.assert(
      fc.property(arbHeader, fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 7 }), (header, data, pad) => {
        const json = Buffer.from(JSON.stringify(header) + ' '.repeat(pad));
        const bytes = Buffer.alloc(8 + json.length + data.length);
        bytes.writeBigUInt64LE(BigInt(json.length), 0);
        json.copy(bytes, 8);
        bytes.set(data, 8 + json.length);
        const parsed = parseOrUserError(bytes);
        if (parsed) checkInvariants(parsed, bytes.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('a header that announces huge tensors is refused without allocating them', () => {
    const before = process.memoryUsage().arrayBuffers;
    for (const shape of [[2 ** 31], [2 ** 26, 2 ** 26], [Number.MAX_SAFE_INTEGER]]) {
      const h = JSON.stringify({ x: { dtype: 'F32', shape, data_offsets: [0, Number.MAX_SAFE_INTEGER] } });
      const bytes = Buffer.alloc(8 + h.length);
      bytes.writeBigUInt64LE(BigInt(h.length), 0);
      bytes.write(h, 8);
      expect(() => parseSafetensors(bytes)).toThrow(UserError);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
  });
});
