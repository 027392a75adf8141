import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { tf } from '../../src/engine/tf.ts';
import { generate } from '../../src/generate/generate.ts';
import { isLinearLike, type LinearLike } from '../../src/models/linear.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { loadPeftModel, savePeftModel } from '../../src/peft/format.ts';
import { getPeftModel } from '../../src/peft/getPeftModel.ts';
import { UserError } from '../../src/util/errors.ts';
import { LoraLinear } from '../../plugins/lora/layer.ts';
import { loadQloraModel } from '../../plugins/qlora/index.ts';
import { MERGE_4BIT_WARNING, nf4Layers, quantizedWeightsReport, UNMERGE_4BIT_WARNING } from '../../plugins/qlora/model.ts';
import type { Nf4Linear } from '../../plugins/qlora/nf4Linear.ts';
import { dequantizeNf4, quantizeNf4 } from '../../plugins/qlora/nf4.ts';
import { DOUBLE_QUANT_BLOCKSIZE } from '../../plugins/qlora/doubleQuant.ts';
import { adapterDir } from '../helpers/adapterGolden.ts';
import { readGolden } from '../helpers/golden.ts';
import { arbInput, BASES, baseDir, loadBase, logitsOf, maxAbsDiff, randomizeTrainable, trainBriefly } from '../helpers/methodKit.ts';
import { needsShared } from '../helpers/skip.ts';
import { layerAdapter } from '../../src/peft/adapter.ts';

beforeAll(async () => {
  await initBackend();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The goldens' LoRA config (r 4, alpha 8, c_attn / q,v). */
const loraConfig = (base: string) => ({ r: 4, lora_alpha: 8, target_modules: base === 'tiny-gpt2' ? ['c_attn'] : ['q', 'v'] });
const counts = baseDir('tiny-gpt2') ? readGolden<Record<string, object>>('models', 'peft', 'param_counts_tiny.json') : {};

/** Linear layers QLoRA quantizes under quantize_modules "all-linear": all but the output head. */
const allLinear = (m: LanguageModel) => m.namedModules().filter(([n, l]) => n && isLinearLike(l) && !n.endsWith('lm_head'));

/** The float base with those weights replaced by their NF4 round trip (what a 4-bit base computes with). */
function dequantizedBase(base: (typeof BASES)[number], doubleQuant = true): LanguageModel {
  const m = loadBase(base);
  for (const [, l] of allLinear(m)) {
    const layer = l as LinearLike & { weight: tf.Variable };
    const w = layer.weightOutIn();
    const q = quantizeNf4(w.dataSync() as Float32Array, [layer.outFeatures, layer.inFeatures], { doubleQuant });
    w.dispose();
    const deq = tf.tensor2d(dequantizeNf4(q), [layer.outFeatures, layer.inFeatures]);
    layer.weight.assign(layer.fanInFanOut ? deq.transpose() : deq);
    deq.dispose();
  }
  return m;
}

const x = (base: string) => ({
  inputIds: [
    [5, 17, 300, 42, 7],
    [9, 9, 1, 2, 3],
  ],
  attentionMask: [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 0, 0],
  ],
  decoderInputIds:
    base === 'tiny-gpt2'
      ? undefined
      : [
          [0, 8, 9],
          [0, 1, 2],
        ],
});

describe('QLoRA plugin', needsShared(baseDir('tiny-gpt2')), () => {
  it("counts like peft on a 4-bit base (Params4bit numel × 2): the same numbers as LoRA's golden", () => {
    for (const base of BASES) {
      const { printed, ...want } = counts[`${base}__lora`] as { printed: string };
      for (const quantize_modules of ['target_modules', 'all-linear']) {
        const model = getPeftModel(loadBase(base), 'qlora', { ...loraConfig(base), quantize_modules });
        expect(model.paramCounts(), `${base} ${quantize_modules}`).toEqual(want);
        expect(model.paramCountsLine()).toBe(printed);
        model.dispose();
      }
    }
  });

  it('holds the quantized weights only as NF4: tensor memory drops by their float32 bytes; ≈4.13 bits/param with double quant, 4.5 without', () => {
    for (const [doubleQuant, lo, hi] of [
      [true, 4.12, 4.15],
      [false, 4.5, 4.5],
    ] as const) {
      const base = loadBase('tiny-gpt2');
      const before = tf.memory().numBytes;
      const model = getPeftModel(base, 'qlora', { ...loraConfig('tiny-gpt2'), quantize_modules: 'all-linear', bnb_4bit_use_double_quant: doubleQuant });
      const report = quantizedWeightsReport(model.base);
      const loraBytes = model.trainableParameters().reduce((s, [, v]) => s + 4 * v.size, 0);
      expect(tf.memory().numBytes).toBe(before - report.float32_bytes + loraBytes);
      expect(report.quantized_params).toBe(
        allLinear(loadBase('tiny-gpt2')).reduce((s, [, l]) => s + (l as LinearLike).inFeatures * (l as LinearLike).outFeatures, 0),
      );
      // Bytes from the storage layout: ⌈n/2⌉ codes + per-block statistics (8-bit absmax, float32 absmax2 per
      // 256 blocks, one float32 offset — or one float32 absmax per block without double quantization).
      const expected = nf4Layers(model.base).reduce((s, [, l]) => {
        const n = l.inFeatures * l.outFeatures;
        const blocks = Math.ceil(n / 64);
        return s + Math.ceil(n / 2) + (doubleQuant ? blocks + 4 * Math.ceil(blocks / DOUBLE_QUANT_BLOCKSIZE) + 4 : 4 * blocks);
      }, 0);
      expect(report.quantized_bytes).toBe(expected);
      expect(report.bits_per_param).toBeGreaterThanOrEqual(lo);
      expect(report.bits_per_param).toBeLessThanOrEqual(hi);
      expect((model.adapter.summary!() as { bits_per_param: number }).bits_per_param).toBe(report.bits_per_param);
      model.dispose();
    }
  });

  it('property: with B = 0 (its init) outputs equal the dequantized base (GPT-2, T5, gated T5)', () => {
    for (const base of BASES) {
      const ref = dequantizedBase(base);
      const model = getPeftModel(loadBase(base), 'qlora', { ...loraConfig(base), quantize_modules: 'all-linear' });
      fc.assert(
        fc.property(arbInput(ref.isEncoderDecoder), (inp) => maxAbsDiff(logitsOf(ref, inp), logitsOf(model, inp)) <= 1e-5),
        { numRuns: 6 },
      );
      ref.dispose();
      model.dispose();
    }
  });

  it("loads Python's LoRA goldens onto the 4-bit base: LoRA over the dequantized weights", () => {
    for (const base of BASES) {
      const dir = adapterDir(base, 'lora');
      if (!dir) continue;
      const q = loadQloraModel(loadBase(base), dir, { quantize_modules: 'all-linear' });
      const ref = loadPeftModel(dequantizedBase(base), dir);
      expect(maxAbsDiff(logitsOf(q, x(base)), logitsOf(ref, x(base)))).toBeLessThanOrEqual(1e-5);
      expect(nf4Layers(q.base).length).toBe(allLinear(loadBase(base)).length);
      // generate goes through the PeftModel over the 4-bit base.
      const opts = { strategy: 'greedy' as const, maxNewTokens: 8, eosTokenId: base === 'tiny-gpt2' ? 999 : 1, padTokenId: base === 'tiny-gpt2' ? 999 : 0 };
      const prompt = { inputIds: [[482, 974, 230, 102, 944, 351]] };
      expect(generate(q, prompt, opts).sequences).toEqual(generate(ref, prompt, opts).sequences);
      q.dispose();
      ref.dispose();
    }
  });

  it('saves a plain LoRA adapter (peft_type LORA, no quantization fields) that reloads exactly onto a 4-bit base and onto a float base', () => {
    for (const base of ['tiny-gpt2', 'tiny-t5'] as const) {
      const model = getPeftModel(loadBase(base), 'qlora', { ...loraConfig(base), bnb_4bit_use_double_quant: true });
      randomizeTrainable(model, 9, 0.2);
      const dir = mkdtempSync(path.join(tmpdir(), 'peft-qlora-save-'));
      savePeftModel(model, dir);
      const cfg = JSON.parse(readFileSync(path.join(dir, 'adapter_config.json'), 'utf8'));
      expect(cfg.peft_type).toBe('LORA');
      expect(Object.keys(cfg).filter((k) => k.startsWith('bnb_') || k === 'quantization' || k === 'quantize_modules')).toEqual([]);
      expect(cfg.fan_in_fan_out).toBe(base === 'tiny-gpt2');
      const q = loadQloraModel(loadBase(base), dir, {});
      expect(maxAbsDiff(logitsOf(q, x(base)), logitsOf(model, x(base)))).toBe(0);
      const float = loadPeftModel(loadBase(base), dir);
      expect(float.plugin.name).toBe('lora');
      const mine = new Map(model.trainableParameters());
      for (const [n, v] of float.trainableParameters()) expect(maxAbsDiff(v.dataSync(), mine.get(n)!.dataSync()), n).toBe(0);
      expect(maxAbsDiff(logitsOf(float, x(base)), logitsOf(model, x(base)))).toBeGreaterThan(0); // float base ≠ 4-bit base
      rmSync(dir, { recursive: true, force: true });
      for (const m of [model, q, float]) m.dispose();
    }
  });

  it('merge dequantizes, adds ΔW and re-quantizes, with peft’s rounding warning; unmerge and merge_and_unload likewise', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = getPeftModel(loadBase('tiny-gpt2'), 'qlora', loraConfig('tiny-gpt2'));
    const unadapted = logitsOf(model, x('tiny-gpt2'));
    randomizeTrainable(model, 2, 0.3);
    const before = logitsOf(model, x('tiny-gpt2'));
    const meanAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
    const layers = model.base.namedModules().filter((e): e is [string, LoraLinear] => e[1] instanceof LoraLinear);
    const expected = layers.map(([, l]) => {
      const nf4 = l.base_layer as Nf4Linear;
      const w = nf4.dequantizedValues();
      const d = l.deltaWeight().dataSync();
      const merged = Float32Array.from(w, (v, i) => v + d[i]!);
      return dequantizeNf4(quantizeNf4(merged, [nf4.outFeatures, nf4.inFeatures], { doubleQuant: true }));
    });
    layerAdapter(model.adapter).merge();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(MERGE_4BIT_WARNING));
    layers.forEach(([, l], i) => expect(maxAbsDiff((l.base_layer as Nf4Linear).dequantizedValues(), expected[i]!)).toBe(0));
    const merged = logitsOf(model, x('tiny-gpt2'));
    // Re-quantization rounds (by about one quantization step), but the merged model keeps the adapter's effect.
    expect(maxAbsDiff(merged, before)).toBeGreaterThan(0);
    expect(meanAbsDiff(merged, before)).toBeLessThan(meanAbsDiff(merged, unadapted) / 2);
    layerAdapter(model.adapter).unmerge();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(UNMERGE_4BIT_WARNING));
    const unmerged = logitsOf(model, x('tiny-gpt2'));
    expect(meanAbsDiff(unmerged, before)).toBeLessThan(meanAbsDiff(unmerged, unadapted) / 2);
    layerAdapter(model.adapter).mergeAndUnload();
    expect(model.base.namedModules().some(([, m]) => m instanceof LoraLinear)).toBe(false);
    expect(nf4Layers(model.base).length).toBe(layers.length);
    expect((model.adapter.summary!() as { warnings: string[] }).warnings).toEqual([MERGE_4BIT_WARNING, UNMERGE_4BIT_WARNING]);
    model.dispose();
  });

  it('trains with the Trainer (held-out loss falls on GPT-2 and T5); the 4-bit base stays frozen', async () => {
    for (const [base, ratio] of [
      ['tiny-gpt2', 0.85],
      ['tiny-t5', 0.95],
    ] as const) {
      const model = getPeftModel(
        loadBase(base),
        'qlora',
        { r: 8, lora_alpha: 16, target_modules: base === 'tiny-gpt2' ? ['c_attn'] : ['q', 'v'] },
        { seed: 1 },
      );
      const frozen = nf4Layers(model.base).map(([, l]) => l.weight4bit.packed.slice());
      const { heldOutBefore, heldOutAfter } = await trainBriefly(model, { steps: 25, lr: 0.02 });
      expect(heldOutAfter, `${base}: held-out loss ${heldOutBefore} → ${heldOutAfter}`).toBeLessThan(heldOutBefore * ratio);
      // The 4-bit base stays frozen.
      nf4Layers(model.base).forEach(([, l], i) => expect(Buffer.compare(l.weight4bit.packed, frozen[i]!)).toBe(0));
      model.dispose();
    }
  });

  it('bad quantization fields fail with one clear line', () => {
    const m = loadBase('tiny-gpt2');
    expect(() => getPeftModel(m, 'qlora', { bnb_4bit_quant_type: 'fp4' })).toThrowError(/'bnb_4bit_quant_type' must be one of "nf4"/);
    expect(() => getPeftModel(m, 'qlora', { bnb_4bit_blocksize: 100 })).toThrowError(/'bnb_4bit_blocksize' must be one of 32, 64/);
    expect(() => getPeftModel(m, 'qlora', { quantize_modules: 'everything' })).toThrowError(UserError);
    m.dispose();
  });
});
