import { ConfigReader } from '../../src/util/configReader.ts';
import type { LanguageModel } from '../../src/models/registry.ts';
import { UserError } from '../../src/util/errors.ts';
import { parseLoraConfig, type LoraConfig } from '../lora/config.ts';
import { NF4_BLOCKSIZES, NF4_DEFAULT_BLOCKSIZE } from './nf4.ts';

/** How the frozen base weights are held (Hugging Face BitsAndBytesConfig names where one exists). */
export interface QloraQuantization {
  /** Only "nf4" (bitsandbytes' fp4 is not implemented). */
  bnb_4bit_quant_type: 'nf4';
  /** QLoRA's double quantization of the block absmax (bitsandbytes compress_statistics). */
  bnb_4bit_use_double_quant: boolean;
  /** Elements per absmax block (bitsandbytes' 4-bit blocksize; transformers always uses 64). */
  bnb_4bit_blocksize: number;
  /** Quantize only the LoRA targets, or every linear layer but the output head (as load_in_4bit does). */
  quantize_modules: 'target_modules' | 'all-linear';
}

/** A LoRA config plus how the base is quantized; only the LoRA part is saved (peft_type LORA). */
export interface QloraConfig extends LoraConfig {
  quantization?: QloraQuantization;
}

/** The QLoRA recipe (Dettmers et al. 2023): NF4, blocksize 64, double quantization; only the targets by default. */
export const DEFAULT_QUANTIZATION: QloraQuantization = {
  bnb_4bit_quant_type: 'nf4',
  bnb_4bit_use_double_quant: true,
  bnb_4bit_blocksize: NF4_DEFAULT_BLOCKSIZE,
  quantize_modules: 'target_modules',
};

const QUANT_FIELDS = ['bnb_4bit_quant_type', 'bnb_4bit_use_double_quant', 'bnb_4bit_blocksize', 'bnb_4bit_compute_dtype', 'quantize_modules'];

export function parseQloraConfig(raw: Record<string, unknown>, model: LanguageModel, where: string): QloraConfig {
  const c = new ConfigReader(raw, where);
  const d = DEFAULT_QUANTIZATION;
  const blocksize = c.int('bnb_4bit_blocksize', d.bnb_4bit_blocksize, 1);
  if (!NF4_BLOCKSIZES.includes(blocksize)) throw new UserError(`${where}: 'bnb_4bit_blocksize' must be one of ${NF4_BLOCKSIZES.join(', ')}, got ${blocksize}`);
  // Compute happens in float32 here; accept the spelling configs copied from Python use.
  c.oneOf('bnb_4bit_compute_dtype', ['float32', 'torch.float32'], 'float32');
  const quantization: QloraQuantization = {
    bnb_4bit_quant_type: c.oneOf('bnb_4bit_quant_type', ['nf4'], d.bnb_4bit_quant_type),
    // On by default (unlike BitsAndBytesConfig): QLoRA's recipe double-quantizes.
    bnb_4bit_use_double_quant: c.bool('bnb_4bit_use_double_quant', d.bnb_4bit_use_double_quant),
    bnb_4bit_blocksize: blocksize,
    quantize_modules: c.oneOf('quantize_modules', ['target_modules', 'all-linear'], d.quantize_modules),
  };
  const loraRaw = { ...raw };
  for (const f of QUANT_FIELDS) delete loraRaw[f];
  return { ...parseLoraConfig(loraRaw, model, where), quantization };
}
