import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDir } from '../../src/util/paths.ts';
import { UserError } from '../../src/util/errors.ts';
import { fromFloat32, readSafetensors, writeSafetensors, type Tensor } from '../../src/models/safetensors.ts';
import { command as quantize } from '../../src/cli/commands/quantize.ts';
import { command as dequantize } from '../../src/cli/commands/dequantize.ts';
import { dequantizeNf4, quantizeNf4 } from '../../plugins/qlora/nf4.ts';
import { NF4_STATE_SUFFIX, loadQuantizedFile } from '../../plugins/qlora/quantizedFile.ts';
import { runInProcess } from '../helpers/cli.ts';
import { maxAbsDiff } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'peft-quantize-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runCommand = runInProcess;

const tinyGpt2 = (() => {
  const s = sharedDir();
  const p = s ? path.join(s, 'golden', 'models', 'tiny-gpt2', 'model.safetensors') : '';
  return p && existsSync(p) ? p : undefined;
})();

function synthetic(): Map<string, Tensor> {
  const w = Float32Array.from({ length: 7 * 9 }, (_, i) => Math.cos(i * 0.7) * (1 + (i % 5)));
  return new Map<string, Tensor>([
    ['a.weight', { dtype: 'F32', shape: [7, 9], data: w }],
    ['a.bias', { dtype: 'F32', shape: [9], data: Float32Array.from({ length: 9 }, (_, i) => i / 10) }],
    ['h.weight', fromFloat32(w, 'F16', [9, 7])],
    ['b.weight', fromFloat32(w, 'BF16', [3, 3, 7])],
    ['ids', { dtype: 'I64', shape: [2, 2], data: BigInt64Array.from([1n, 2n, 3n, 4n]) }],
    ['empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) }],
  ]);
}

describe('peft-lab quantize / dequantize', () => {
  it('quantizes floating tensors with ≥2 dims, copies the rest, and dequantizes back under the original names', async () => {
    const input = path.join(dir, 'in.safetensors');
    const q = path.join(dir, 'q.safetensors');
    const out = path.join(dir, 'out.safetensors');
    const tensors = synthetic();
    writeSafetensors(input, tensors, { format: 'pt' });

    const summary = await runCommand(quantize, { input, output: q, 'double-quant': true });
    expect(summary).toMatchObject({ output: q, blocksize: 64, double_quant: true, quantized_tensors: 3, copied_tensors: 3, quantized_params: 63 * 3 });

    const ckpt = loadQuantizedFile(q);
    expect([...ckpt.quantized.keys()].sort()).toEqual(['a.weight', 'b.weight', 'h.weight']);
    expect([...ckpt.tensors.keys()].sort()).toEqual(['a.bias', 'empty', 'ids']);
    expect(ckpt.quantized.get('h.weight')).toMatchObject({ dtype: 'float16', shape: [9, 7], blocksize: 64 });
    expect(ckpt.quantized.get('b.weight')).toMatchObject({ dtype: 'bfloat16', shape: [3, 3, 7] });
    const raw = readSafetensors(q).tensors;
    expect(raw.get('a.weight')).toMatchObject({ dtype: 'U8', shape: [32, 1] });
    expect(raw.get('a.weight.absmax')).toMatchObject({ dtype: 'U8', shape: [1] });
    expect(raw.get('a.weight.nested_quant_map')).toMatchObject({ dtype: 'F32', shape: [256] });
    const state = Buffer.from(raw.get(`a.weight${NF4_STATE_SUFFIX}`)!.data as Uint8Array).toString();
    expect(state).toMatch(
      /^\{"quant_type": "nf4", "blocksize": 64, "dtype": "float32", "shape": \[7, 9\], "nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": [-0-9.e]+\}$/,
    );

    const back = await runCommand(dequantize, { input: q, output: out });
    expect(back).toMatchObject({ dequantized_tensors: 3, copied_tensors: 3, dequantized_params: 189 });
    const restored = readSafetensors(out);
    expect(restored.metadata).toEqual({ format: 'pt' });
    expect([...restored.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    const expected = dequantizeNf4(quantizeNf4(tensors.get('a.weight')!.data as Float32Array, [7, 9], { doubleQuant: true }));
    expect(restored.tensors.get('a.weight')).toEqual({ dtype: 'F32', shape: [7, 9], data: expected });
    expect(restored.tensors.get('h.weight')!.shape).toEqual([9, 7]);
    expect(restored.tensors.get('ids')).toEqual(tensors.get('ids'));
    expect(restored.tensors.get('a.bias')).toEqual(tensors.get('a.bias'));
  });

  it('quantizes tiny-gpt2 and reports the bits per parameter held', needsShared(tinyGpt2), async () => {
    const q = path.join(dir, 'gpt2-q.safetensors');
    const single = await runCommand(quantize, { input: tinyGpt2!, output: path.join(dir, 'gpt2-q1.safetensors') });
    const double = await runCommand(quantize, { input: tinyGpt2!, output: q, 'double-quant': true });
    // wte, wpe and per block c_attn, attn.c_proj, c_fc, mlp.c_proj: 2 + 2·4 matrices; biases and norms copied
    const total = readSafetensors(tinyGpt2!).tensors.size;
    expect(double).toMatchObject({ quantized_tensors: 10, copied_tensors: total - 10 });
    expect(double.quantized_params).toBe(1000 * 64 + 128 * 64 + 2 * (64 * 192 + 64 * 64 + 64 * 256 + 256 * 64));
    expect(single.bits_per_parameter).toBe(4.5);
    expect(double.bits_per_parameter as number).toBeGreaterThan(4.125);
    expect(double.bits_per_parameter as number).toBeLessThan(4.14);
    // In memory the 8-bit absmax saves 3 bytes per block; on disk each tensor also carries a copy of the
    // 256-entry dynamic map (bitsandbytes does the same), which outweighs that on a model this small.
    // 2664 blocks of 64; 13 second-level blocks (wte has 1000 blocks → 4, every other matrix 1); 10 offsets.
    expect((single.held_bytes as number) - (double.held_bytes as number)).toBe(3 * 2664 - 4 * 13 - 4 * 10);
    console.log(`tiny-gpt2 NF4: ${JSON.stringify({ single, double })}`);
    const f32 = path.join(dir, 'gpt2-deq.safetensors');
    await runCommand(dequantize, { input: q, output: f32 });
    const original = readSafetensors(tinyGpt2!).tensors;
    const restored = readSafetensors(f32).tensors;
    for (const [name, t] of original) {
      const r = restored.get(name)!;
      expect(r.shape, name).toEqual(t.shape);
      const a = t.data as Float32Array;
      const b = r.data as Float32Array;
      const err = maxAbsDiff(a, b);
      const maxAbs = maxAbsDiff(a, new Float32Array(a.length));
      if (t.shape.length < 2) expect(err, name).toBe(0);
      else expect(err, name).toBeLessThanOrEqual(maxAbs * 0.15);
    }
  });

  it('fails with one clear UserError line for bad input', async () => {
    const input = path.join(dir, 'in2.safetensors');
    writeSafetensors(input, synthetic());
    const out = path.join(dir, 'x.safetensors');
    await expect(quantize.run({ output: out }, [])).rejects.toThrow(/quantize: --input is required/);
    await expect(quantize.run({ input, output: out, blocksize: '48' }, [])).rejects.toThrow(/--blocksize must be one of 32, 64, 128/);
    await expect(quantize.run({ input, output: out, blocksize: '64abc' }, [])).rejects.toThrow(UserError);
    await expect(quantize.run({ input: path.join(dir, 'missing.safetensors'), output: out }, [])).rejects.toThrow(/cannot read safetensors file/);
    const notSt = path.join(dir, 'not.safetensors');
    writeFileSync(notSt, 'hello world, not a tensor file');
    await expect(quantize.run({ input: notSt, output: out }, [])).rejects.toThrow(/not\.safetensors: .*header length/);
    const nan = path.join(dir, 'nan.safetensors');
    writeSafetensors(nan, { w: { dtype: 'F32', shape: [1, 2], data: Float32Array.from([1, NaN]) } });
    await expect(quantize.run({ input: nan, output: out }, [])).rejects.toThrow(/nan\.safetensors: tensor 'w': cannot quantize a non-finite value/);
  });

  it('dequantize validates the quantized layout and names the broken entry', async () => {
    const q = path.join(dir, 'q2.safetensors');
    const good = path.join(dir, 'good.safetensors');
    writeSafetensors(good, synthetic());
    await runCommand(quantize, { input: good, output: q });
    const tensors = readSafetensors(q).tensors;
    const broken = (mutate: (m: Map<string, Tensor>) => void): string => {
      const m = new Map(tensors);
      mutate(m);
      const file = path.join(dir, 'broken.safetensors');
      writeSafetensors(file, m);
      return file;
    };
    const out = path.join(dir, 'y.safetensors');
    const cases: Array<[(m: Map<string, Tensor>) => void, RegExp]> = [
      [(m) => m.delete('a.weight.absmax'), /quantized tensor 'a.weight': missing entry 'a.weight.absmax'/],
      [(m) => m.set('a.weight.absmax', { dtype: 'F32', shape: [2], data: new Float32Array(2) }), /'a.weight.absmax' must hold 1 values, got 2/],
      [(m) => m.set('a.weight', { dtype: 'U8', shape: [3], data: new Uint8Array(3) }), /'a.weight' must hold 32 values, got 3/],
      [(m) => m.set(`a.weight${NF4_STATE_SUFFIX}`, { dtype: 'U8', shape: [2], data: Uint8Array.from([123, 125 + 1]) }), /quant_state is not a JSON object/],
      [
        (m) => m.set(`a.weight${NF4_STATE_SUFFIX}`, jsonTensor({ quant_type: 'nf4', blocksize: 64, dtype: 'float32', shape: [7, 9], bogus: 1 })),
        /unknown quant_state field 'bogus'/,
      ],
      [
        (m) => m.set(`a.weight${NF4_STATE_SUFFIX}`, jsonTensor({ quant_type: 'nf4', blocksize: 60, dtype: 'float32', shape: [7, 9] })),
        /blocksize must be one of/,
      ],
      [
        (m) => m.set(`a.weight${NF4_STATE_SUFFIX}`, jsonTensor({ quant_type: 'nf4', blocksize: 64, dtype: 'int8', shape: [7, 9] })),
        /dtype must be float32, float16 or bfloat16/,
      ],
      [
        (m) => m.set(`a.weight${NF4_STATE_SUFFIX}`, jsonTensor({ quant_type: 'nf4', blocksize: 64, dtype: 'float32', shape: [7, -9] })),
        /shape must be a list of non-negative integers/,
      ],
      [(m) => m.set('a.weight.nested_absmax', { dtype: 'F32', shape: [1], data: new Float32Array(1) }), /double quantization needs/],
      [(m) => m.set('x.quant_state.bitsandbytes__fp4', jsonTensor({ quant_type: 'fp4' })), /only nf4 quantization is supported, not 'fp4'/],
    ];
    for (const [mutate, message] of cases) {
      const file = broken(mutate);
      await expect(dequantize.run({ input: file, output: out }, [])).rejects.toThrow(message);
      await expect(dequantize.run({ input: file, output: out }, [])).rejects.toThrow(UserError);
    }
  });
});

function jsonTensor(obj: unknown): Tensor {
  const bytes = new Uint8Array(Buffer.from(JSON.stringify(obj)));
  return { dtype: 'U8', shape: [bytes.length], data: bytes };
}
