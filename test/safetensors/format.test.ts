import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/util/errors.ts';
import { parseSafetensors, readSafetensors, readSafetensorsHeader, serializeSafetensors, writeSafetensors, type Tensor } from '../../src/models/safetensors.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'peft-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file built by hand from the format description: length prefix, header text, data bytes. */
function handMade(header: string, data: number[] | Uint8Array = []): Uint8Array {
  const json = Buffer.from(header, 'utf8');
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('safetensors writer layout (as the Rust serializer)', () => {
  it('writes compact JSON padded with spaces to 8 bytes, then the data', () => {
    const t: Tensor<'F32'> = { dtype: 'F32', shape: [1, 2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) };
    const bytes = serializeSafetensors({ 'attn.0': t });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64); // already a multiple of 8: no padding
    expect(Buffer.from(bytes)).toEqual(Buffer.from(handMade(header, f32Bytes([0, 1, 2, 3, 4, 5]))));

    const t4: Tensor<'F32'> = { ...t, shape: [1, 1, 2, 3] };
    const padded = serializeSafetensors({ attn0: t4 });
    const h2 = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(h2.length % 8).not.toBe(0);
    const h2Padded = h2 + ' '.repeat(8 - (h2.length % 8));
    expect(Buffer.from(padded)).toEqual(Buffer.from(handMade(h2Padded, f32Bytes([0, 1, 2, 3, 4, 5]))));
  });

  it('writes an empty file as {} padded, and __metadata__ first', () => {
    expect(Buffer.from(serializeSafetensors({}))).toEqual(Buffer.from(handMade('{}      ')));
    const withMeta = serializeSafetensors({}, { framework: 'pt' });
    const h = '{"__metadata__":{"framework":"pt"}}';
    expect(Buffer.from(withMeta)).toEqual(Buffer.from(handMade(h + ' '.repeat(8 - (h.length % 8)))));
  });

  it('orders tensors by dtype alignment (largest first) and then by name, so data stay aligned', () => {
    const bytes = serializeSafetensors({
      b_u8: { dtype: 'U8', shape: [3], data: Uint8Array.from([1, 2, 3]) },
      a_u8: { dtype: 'U8', shape: [1], data: Uint8Array.from([9]) },
      z_f32: { dtype: 'F32', shape: [1], data: Float32Array.from([1.5]) },
      c_i64: { dtype: 'I64', shape: [1], data: BigInt64Array.from([-2n]) },
      y_f16: { dtype: 'F16', shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) },
    });
    const parsed = parseSafetensors(bytes);
    expect([...parsed.tensors.keys()]).toEqual(['c_i64', 'z_f32', 'y_f16', 'a_u8', 'b_u8']);
    const headerText = Buffer.from(bytes.subarray(8, 8 + Number(Buffer.from(bytes).readBigUInt64LE(0)))).toString();
    expect(headerText.indexOf('"c_i64"')).toBeLessThan(headerText.indexOf('"z_f32"'));
    expect((8 + headerText.length) % 8).toBe(0);
    expect(parsed.tensors.get('c_i64')!.data).toEqual(BigInt64Array.from([-2n]));
    expect(parsed.tensors.get('b_u8')!.data).toEqual(Uint8Array.from([1, 2, 3]));
  });

  it('refuses bad tensors with a TypeError (a programming error, not user input)', () => {
    expect(() => serializeSafetensors({ x: { dtype: 'F32', shape: [2], data: Float32Array.from([1]) } })).toThrow(TypeError);
    expect(() => serializeSafetensors({ x: { dtype: 'F32', shape: [1], data: Float64Array.from([1]) as never } })).toThrow(TypeError);
    expect(() => serializeSafetensors({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).toThrow(TypeError);
    expect(() => serializeSafetensors({ '\ud800': { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).toThrow(TypeError);
  });
});

describe('safetensors reader validation', () => {
  const ok = handMade('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32Bytes([1, 2]));

  it('reads a hand-made file', () => {
    const { tensors, metadata } = parseSafetensors(ok, 'ok.safetensors');
    expect(metadata).toBeUndefined();
    expect(tensors.get('a')).toEqual({ dtype: 'F32', shape: [2], data: Float32Array.from([1, 2]) });
  });

  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['shorter than 8 bytes', Uint8Array.from([1, 2, 3]), /shorter than the 8-byte header length/],
    ['header length past the end', handMade('{}').subarray(0, 9), /runs past the end of the file/],
    [
      'header length over the cap',
      (() => {
        const b = Buffer.alloc(16);
        b.writeBigUInt64LE(2n ** 63n, 0);
        return b;
      })(),
      /exceeds the 100000000-byte limit/,
    ],
    ['invalid UTF-8', handMade('{"\xff"}').map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
    ['not JSON', handMade('{"a":'), /not valid JSON/],
    ['not an object', handMade('["a"]'), /starting with '\{'/],
    ['unknown dtype', handMade('{"a":{"dtype":"F12","shape":[1],"data_offsets":[0,1]}}', [0]), /unknown dtype "F12"/],
    ['negative shape', handMade('{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}'), /non-negative integers/],
    ['fractional shape', handMade('{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,0]}}'), /non-negative integers/],
    ['reversed offsets', handMade('{"a":{"dtype":"U8","shape":[0],"data_offsets":[2,1]}}', [0, 0]), /0 <= begin <= end/],
    ['size mismatch', handMade('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', f32Bytes([1, 2])), /needs 12 bytes but data_offsets \[0, 8\] hold 8/],
    [
      'absurd shape',
      handMade('{"a":{"dtype":"F64","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}', f32Bytes([1, 2])),
      /needs 633825300114114700748351602688 bytes/,
    ],
    ['offsets past the data', handMade('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32Bytes([1])), /run past the end of the data \(4 bytes\)/],
    [
      'overlap',
      handMade('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32Bytes([1, 2])),
      /'b' overlaps the previous tensor/,
    ],
    ['gap', handMade('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32Bytes([1, 2])), /gap in the data before tensor 'a'/],
    ['trailing bytes', handMade('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32Bytes([1, 2])), /4 bytes after the last tensor/],
    ['metadata not strings', handMade('{"__metadata__":{"format":1}}'), /__metadata__ value for 'format' must be a string/],
    ['entry not an object', handMade('{"a":[1]}'), /header entry must be an object/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what} with a UserError naming the file`, () => {
      const err = errorOf(() => parseSafetensors(bytes, 'bad.safetensors'));
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(/^bad\.safetensors: /);
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('\n');
    });
  }

  it('accepts zero-element tensors, a null __metadata__ and unaligned data (copying it)', () => {
    const h = '{"__metadata__":null,"e":{"dtype":"F32","shape":[0,5],"data_offsets":[0,0]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const bytes = handMade(h, f32Bytes([3.25]));
    expect((8 + h.length) % 4).not.toBe(0);
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toBeUndefined();
    expect(tensors.get('e')!.data).toHaveLength(0);
    expect(tensors.get('x')!.data).toEqual(Float32Array.from([3.25]));
  });

  it('returns views into the buffer unless asked to copy', () => {
    const bytes = serializeSafetensors({ x: { dtype: 'F32', shape: [2], data: Float32Array.from([1, 2]) } });
    const view = parseSafetensors(bytes).tensors.get('x')!.data;
    const copy = parseSafetensors(bytes, 'x', { copy: true }).tensors.get('x')!.data;
    expect(view.buffer).toBe(bytes.buffer);
    expect(copy.buffer).not.toBe(bytes.buffer);
    expect(copy).toEqual(view);
  });
});

describe('safetensors files', () => {
  it('writes atomically (no temporary file left) and reads back, header-only too', () => {
    const file = path.join(dir, 'model.safetensors');
    const tensors = {
      w: { dtype: 'BF16', shape: [2, 2], data: Uint16Array.from([0x3f80, 0x4000, 0xbf80, 0]) } as Tensor,
      n: { dtype: 'I32', shape: [], data: Int32Array.from([-7]) } as Tensor,
    };
    writeSafetensors(file, tensors, { format: 'pt' });
    writeSafetensors(file, tensors, { format: 'pt' }); // overwriting an existing file works too
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    const back = readSafetensors(file);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(back.tensors.get('w')).toEqual(tensors.w);
    expect(back.tensors.get('n')).toEqual(tensors.n);
    const header = readSafetensorsHeader(file);
    expect(header.tensors.get('w')).toEqual({ dtype: 'BF16', shape: [2, 2], dataOffsets: [4, 12] });
    expect(Buffer.from(readFileSync(file))).toEqual(Buffer.from(serializeSafetensors(tensors, { format: 'pt' })));
  });

  it('header-only reading still checks the header against the file size', () => {
    const file = path.join(dir, 'truncated.safetensors');
    const full = serializeSafetensors({ x: { dtype: 'F32', shape: [4], data: new Float32Array(4) } });
    writeFileSync(file, full.subarray(0, full.length - 1));
    expect(() => readSafetensorsHeader(file)).toThrow(/truncated\.safetensors: tensor 'x' .* run past the end of the data/);
    expect(() => readSafetensors(file)).toThrow(UserError);
  });

  it('reports missing files and unwritable paths as UserErrors', () => {
    expect(() => readSafetensors(path.join(dir, 'nope.safetensors'))).toThrow(/cannot read safetensors file .*nope\.safetensors: no such file/);
    expect(() => readSafetensorsHeader(path.join(dir, 'nope.safetensors'))).toThrow(UserError);
    expect(() => writeSafetensors(path.join(dir, 'missing-dir', 'x.safetensors'), {})).toThrow(/cannot write safetensors file .*x\.safetensors/);
    expect(() => readSafetensors(dir)).toThrow(UserError);
  });
});
