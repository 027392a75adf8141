import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSafetensors, type Tensor } from '../../src/models/safetensors.ts';
import { command as quantize, tensorNameMatcher } from '../../src/cli/commands/quantize.ts';
import { dequantizeNf4 } from '../../plugins/qlora/nf4.ts';
import { loadQuantizedFile } from '../../plugins/qlora/quantizedFile.ts';
import { UserError } from '../../src/util/errors.ts';
import { peftLab, runInProcess } from '../helpers/cli.ts';
import { goldenPath } from '../helpers/golden.ts';
import { needsShared } from '../helpers/skip.ts';

interface Nf4Case {
  name: string;
  shape: number[];
  input: unknown;
  nf4_blocksize64: { absmax: number[]; packed_uint8: number[]; dequantized: unknown };
  nf4_blocksize64_double_quant: { absmax_q8: number[]; dequantized: unknown };
}

const goldenFile = goldenPath('models', 'nf4', 'golden.json');
const ONE_D = ['mixed_scale_1000', 'ramp_256'];
const dir = mkdtempSync(path.join(tmpdir(), 'peft-quantize-tensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flat = (a: unknown): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a as number]);

function oneDimCases(): Nf4Case[] {
  const cases = (JSON.parse(readFileSync(goldenFile!, 'utf8')) as { cases: Nf4Case[] }).cases.filter((c) => ONE_D.includes(c.name));
  expect(cases.map((c) => c.name).sort()).toEqual([...ONE_D].sort());
  for (const c of cases) expect(c.shape).toHaveLength(1);
  return cases;
}

/** A file holding only the 1-D golden inputs (as F32) plus an integer tensor that must be copied. */
function oneDimFile(cases: Nf4Case[]): string {
  const file = path.join(dir, 'one-d.safetensors');
  const tensors = new Map<string, Tensor>(cases.map((c) => [c.name, { dtype: 'F32', shape: c.shape, data: Float32Array.from(flat(c.input)) }]));
  tensors.set('position_ids', { dtype: 'I64', shape: [4], data: BigInt64Array.from([0n, 1n, 2n, 3n]) });
  writeSafetensors(file, tensors, { format: 'pt' });
  return file;
}

function expectF32Equal(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let wrong = 0;
  for (let i = 0; i < expected.length; i++) if (!(actual[i] === Math.fround(expected[i]!) || (actual[i] === 0 && expected[i] === 0))) wrong++;
  expect(wrong, `${what}: mismatches`).toBe(0);
}

describe('peft-lab quantize --tensors', () => {
  it('the glob matches whole names, * across dots, ? one character, comma-separated alternatives', () => {
    const m = tensorNameMatcher('h.*.weight,ln_?');
    expect(m('h.0.attn.c_attn.weight')).toBe(true);
    expect(m('h.0.attn.c_attn.bias')).toBe(false);
    expect(m('xh.0.weight')).toBe(false); // anchored: no substring matches
    expect(m('ln_f')).toBe(true);
    expect(m('ln_ff')).toBe(false);
    // A dot is literal, not a regex wildcard.
    expect(tensorNameMatcher('a.b')('axb')).toBe(false);
    expect(() => tensorNameMatcher('a,,b')).toThrow(UserError);
  });

  describe('1-D goldens (bitsandbytes NF4)', needsShared(goldenFile), () => {
    it('quantizes the named 1-D tensors exactly as bitsandbytes, single and double quantization', async () => {
      const cases = oneDimCases();
      const input = oneDimFile(cases);
      for (const doubleQuant of [false, true]) {
        const output = path.join(dir, `one-d-q${doubleQuant ? '2' : '1'}.safetensors`);
        const summary = await runInProcess(quantize, { input, output, tensors: 'mixed_scale_*,ramp_???', 'double-quant': doubleQuant });
        expect(summary).toMatchObject({ quantized_tensors: 2, copied_tensors: 1, quantized_params: 1000 + 256 });
        const ckpt = loadQuantizedFile(output);
        expect([...ckpt.tensors.keys()]).toEqual(['position_ids']);
        for (const c of cases) {
          const q = ckpt.quantized.get(c.name)!;
          expect(q.shape, c.name).toEqual(c.shape);
          expect(Array.from(q.packed), c.name).toEqual(c.nf4_blocksize64.packed_uint8);
          if (doubleQuant) {
            expect(Array.from(q.nested!.absmaxQ8), c.name).toEqual(c.nf4_blocksize64_double_quant.absmax_q8);
            expectF32Equal(dequantizeNf4(q), flat(c.nf4_blocksize64_double_quant.dequantized), `${c.name} double`);
          } else {
            expectF32Equal(q.absmax!, c.nf4_blocksize64.absmax, `${c.name} absmax`);
            expectF32Equal(dequantizeNf4(q), flat(c.nf4_blocksize64.dequantized), `${c.name} dequantized`);
          }
        }
      }
    });

    it("'*' takes every float tensor and copies the integer one", async () => {
      const input = oneDimFile(oneDimCases());
      const summary = await runInProcess(quantize, { input, output: path.join(dir, 'all.safetensors'), tensors: '*' });
      expect(summary).toMatchObject({ quantized_tensors: 2, copied_tensors: 1 });
    });

    it('fails with one line, exit 2, when the default or the pattern chooses nothing', async () => {
      const input = oneDimFile(oneDimCases());
      const output = path.join(dir, 'none.safetensors');
      await expect(quantize.run({ input, output }, [])).rejects.toThrow(
        /quantize: .*one-d\.safetensors has no floating-point tensor with 2 or more dimensions \(the default choice\); name the tensors to quantize with --tensors PATTERN .*; its tensors: .*mixed_scale_1000/,
      );
      await expect(quantize.run({ input, output, tensors: 'h.*.weight' }, [])).rejects.toThrow(
        /--tensors 'h\.\*\.weight' matched no tensor name in .*; its tensors: /,
      );
      await expect(quantize.run({ input, output, tensors: 'position_*' }, [])).rejects.toThrow(/matched only non-float or empty tensors \(position_ids\)/);

      const r = peftLab(['quantize', '--input', input, '--output', output]);
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^peft-lab: quantize: .* --tensors PATTERN/);
    });
  });

  it('--help documents --tensors and the default', () => {
    const r = peftLab(['quantize', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('[--tensors PATTERN]');
    expect(r.stdout).toMatch(/By default the chosen\s+tensors are the Linear weights/);
    expect(r.stdout).toMatch(/comma-separated globs over whole tensor names/);
  });
});
