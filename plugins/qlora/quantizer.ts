import type { WeightQuantizer } from '../../src/peft/weightQuantizer.ts';
import { bitsPerParameter, dequantizeNf4, NF4_BLOCKSIZES, NF4_DEFAULT_BLOCKSIZE, nf4HeldBytes, nf4Numel, quantizeNf4, type Nf4Tensor } from './nf4.ts';
import { loadQuantizedFile, saveQuantizedFile } from './quantizedFile.ts';

/** NF4 in bitsandbytes' Linear4bit layout, as QLoRA stores its frozen base. */
export const nf4Quantizer: WeightQuantizer<Nf4Tensor> = {
  blocksizes: NF4_BLOCKSIZES,
  defaultBlocksize: NF4_DEFAULT_BLOCKSIZE,
  quantize: quantizeNf4,
  dequantize: (q) => dequantizeNf4(q),
  numel: nf4Numel,
  heldBytes: nf4HeldBytes,
  bitsPerParameter,
  save: saveQuantizedFile,
  load: loadQuantizedFile,
};
