import { isLinearLike, type LinearLike } from '../../src/models/linear.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import type { LayerAdapter } from '../../src/peft/adapter.ts';
import type { AttachContext } from '../../src/peft/plugin.ts';
import { findTargets } from '../../src/peft/targets.ts';
import type { LoraConfig } from '../lora/config.ts';
import { LoraLinear } from '../lora/layer.ts';
import { attachLora } from '../lora/model.ts';
import { DEFAULT_QUANTIZATION, type QloraConfig, type QloraQuantization } from './config.ts';
import { Nf4Linear } from './nf4Linear.ts';

/** peft's warnings when merging LoRA into (or out of) a 4-bit layer (tuners/lora/bnb.py). */
export const MERGE_4BIT_WARNING = 'Merge lora module to 4-bit linear may get different generations due to rounding errors.';
export const UNMERGE_4BIT_WARNING = 'Unmerge lora module to 4-bit linear may get different generations due to rounding errors.';

/** What the quantized base holds, for results (the point of QLoRA is this memory). */
export interface QuantizedWeightsReport {
  quantized_modules: number;
  quantized_params: number;
  /** Bytes held for the quantized weights: packed codes + block statistics. */
  quantized_bytes: number;
  /** What the same weights take in float32. */
  float32_bytes: number;
  bits_per_param: number;
}

/** All NF4 layers of a model by path. */
export function nf4Layers(model: LanguageModel): [string, Nf4Linear][] {
  return model.namedModules().filter((e): e is [string, Nf4Linear] => e[1] instanceof Nf4Linear);
}

export function quantizedWeightsReport(model: LanguageModel): QuantizedWeightsReport {
  const layers = nf4Layers(model);
  const params = layers.reduce((s, [, l]) => s + l.quantizedParameters(), 0);
  const bytes = layers.reduce((s, [, l]) => s + l.heldBytes(), 0);
  return {
    quantized_modules: layers.length,
    quantized_params: params,
    quantized_bytes: bytes,
    float32_bytes: 4 * params,
    bits_per_param: params ? (8 * bytes) / params : 0,
  };
}

/** Paths of the layers to quantize: the LoRA targets, or every linear layer but the output head. */
function quantizationTargets(model: LanguageModel, config: LoraConfig, q: QloraQuantization): string[] {
  if (q.quantize_modules === 'target_modules') return findTargets(model, config, 'qlora');
  const keepFloat = config.modules_to_save ?? [];
  return model
    .namedModules()
    .filter(([n, m]) => n && isLinearLike(m) && n.split('.').pop() !== 'lm_head')
    .filter(([n]) => !keepFloat.some((k) => n === k || n.endsWith(`.${k}`) || n.startsWith(`${k}.`) || n.includes(`.${k}.`)))
    .map(([n]) => n);
}

/**
 * QLoRA (Dettmers et al., 2023): LoRA (plugins/lora, unchanged) on a base whose targeted — or all —
 * linear weights are held NF4-quantized (optionally double-quantized); the adapters stay float32.
 * The adapter saves as a plain LoRA adapter (peft_type LORA), which peft loads onto a 4-bit or a
 * float base alike. Merging dequantizes, adds ΔW and re-quantizes, as peft's Linear4bit does.
 */
/** Replaces each targeted linear layer by its NF4-quantized copy (layers already NF4 stay). */
function quantizeTargets(model: LanguageModel, loraConfig: Omit<QloraConfig, 'quantization'>, q: QloraQuantization): void {
  const opts = { blocksize: q.bnb_4bit_blocksize, doubleQuant: q.bnb_4bit_use_double_quant };
  for (const path of quantizationTargets(model, loraConfig, q)) {
    const layer = model.getSubmodule(path) as LinearLike;
    if (layer instanceof Nf4Linear) continue;
    model.setSubmodule(path, Nf4Linear.fromLinear(layer, opts, `qlora: weight of '${path}'`));
  }
}

/**
 * Merges (sign 1) or unmerges (sign −1) one LoRA layer. Over an NF4 base, as peft's Linear4bit:
 * dequantize, add ±ΔW in float32, re-quantize — lossy, hence the warning.
 */
function mergeLayer(l: LoraLinear, sign: 1 | -1, warnOnce: (msg: string) => void): void {
  const base = l.base_layer;
  if (!(base instanceof Nf4Linear)) {
    if (sign > 0) l.merge();
    else l.unmerge();
    return;
  }
  warnOnce(sign > 0 ? MERGE_4BIT_WARNING : UNMERGE_4BIT_WARNING);
  const w = base.dequantizedValues();
  const d = l.deltaWeight();
  const dv = d.dataSync();
  d.dispose();
  for (let i = 0; i < w.length; i++) w[i] = w[i]! + sign * dv[i]!; // float32 store, as torch adds
  base.requantize(w);
  l.merged = sign > 0;
}

export function attachQlora(model: LanguageModel, config: QloraConfig, ctx: AttachContext): LayerAdapter<QloraConfig> {
  const { quantization, ...loraConfig } = config;
  const q: QloraQuantization = quantization ?? DEFAULT_QUANTIZATION;
  quantizeTargets(model, loraConfig, q);
  // The saved config is the LoRA part only: a normal LoRA adapter for peft.
  const lora = attachLora(model, loraConfig, ctx);
  const loraLayers = (): [string, LoraLinear][] => model.namedModules().filter((e): e is [string, LoraLinear] => e[1] instanceof LoraLinear);
  const warned = new Set<string>();
  const warnings: string[] = [];
  const warnOnce = (msg: string) => {
    if (warned.has(msg)) return;
    warned.add(msg);
    warnings.push(msg);
    console.warn(`qlora: ${msg}`);
  };

  return {
    ...lora,
    config: lora.config,
    countParameters(base) {
      // peft counts every Params4bit as numel(packed uint8) × 2 (print_trainable_parameters).
      const trainable = lora.trainableParameters().reduce((s, [, p]) => s + p.size, 0);
      const fourBit = nf4Layers(base).reduce((s, [, l]) => s + l.countedParameters(), 0);
      return { trainable, all: base.numParameters() + fourBit };
    },
    merge() {
      for (const [, l] of loraLayers()) if (!l.merged) mergeLayer(l, 1, warnOnce);
    },
    unmerge() {
      for (const [, l] of loraLayers()) if (l.merged) mergeLayer(l, -1, warnOnce);
    },
    mergeAndUnload() {
      for (const [path, l] of loraLayers()) {
        if (!l.merged) mergeLayer(l, 1, warnOnce);
        model.setSubmodule(path, l.base_layer);
        l.disposeAdapter();
      }
    },
    summary: () => ({
      ...(lora.summary?.() ?? {}),
      quantization: { ...q },
      ...quantizedWeightsReport(model),
      ...(warnings.length ? { warnings: [...warnings] } : {}),
    }),
  };
}
