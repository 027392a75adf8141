import { statSync } from 'node:fs';
import { readSafetensors, toFloat32, type Tensor } from '../../models/safetensors.ts';
import { UserError } from '../../util/errors.ts';
import { printJson, requireString, type Command } from '../command.ts';
import { NF4_BLOCKSIZES, NF4_DEFAULT_BLOCKSIZE, bitsPerParameter, nf4HeldBytes, nf4Numel, quantizeNf4, type Nf4Tensor, type OriginalDtype } from '../../../plugins/qlora/nf4.ts';
import { saveQuantizedFile } from '../../../plugins/qlora/quantizedFile.ts';

const FLOAT_DTYPES: Partial<Record<Tensor['dtype'], OriginalDtype>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** Which tensors QLoRA-style quantization takes: floating matrices (and higher), not biases or norms. */
export function isQuantizable(t: Tensor): boolean {
  return FLOAT_DTYPES[t.dtype] !== undefined && t.shape.length >= 2 && t.data.length > 0;
}

export const command: Command = {
  name: 'quantize',
  summary: 'NF4-quantize a safetensors checkpoint as bitsandbytes does (QLoRA storage)',
  usage: [
    'peft-lab quantize --input IN.safetensors --output OUT.safetensors [--blocksize 64] [--double-quant]',
    '',
    'Every F32/F16/BF16 tensor with 2 or more dimensions is quantized to NF4 (bitsandbytes quantize_4bit,',
    `quant_type nf4, blocksize ${NF4_BLOCKSIZES.join('|')}, default ${NF4_DEFAULT_BLOCKSIZE}); every other tensor (biases, norms,`,
    'integer tensors) is copied unchanged. --double-quant also compresses the per-block absmax to 8 bits',
    '(bitsandbytes compress_statistics / QLoRA double quantization). The output uses the bitsandbytes',
    'Linear4bit state-dict layout: W (packed uint8), W.absmax, W.quant_map, [W.nested_absmax,',
    'W.nested_quant_map,] W.quant_state.bitsandbytes__nf4 (JSON: shape, dtype, blocksize, nested_offset).',
    'Prints {"output", "quantized_tensors", "copied_tensors", "quantized_params", "bits_per_parameter", ...}.',
  ].join('\n'),
  options: {
    input: { type: 'string' },
    output: { type: 'string' },
    blocksize: { type: 'string' },
    'double-quant': { type: 'boolean' },
  },
  async run(values) {
    const input = requireString(values, 'input', 'quantize');
    const output = requireString(values, 'output', 'quantize');
    const blocksizeText = values.blocksize === undefined ? String(NF4_DEFAULT_BLOCKSIZE) : String(values.blocksize);
    const blocksize = Number(blocksizeText);
    if (!/^\d+$/.test(blocksizeText) || !NF4_BLOCKSIZES.includes(blocksize))
      throw new UserError(`quantize: --blocksize must be one of ${NF4_BLOCKSIZES.join(', ')}, got '${blocksizeText}'`);
    const doubleQuant = values['double-quant'] === true;

    const { tensors, metadata } = readSafetensors(input);
    const quantized = new Map<string, Nf4Tensor>();
    const copied = new Map<string, Tensor>();
    let originalBytes = 0;
    for (const [name, t] of tensors) {
      if (!isQuantizable(t)) {
        copied.set(name, t);
        continue;
      }
      originalBytes += t.data.byteLength;
      quantized.set(name, quantizeNf4(toFloat32(t), t.shape, { blocksize, doubleQuant, dtype: FLOAT_DTYPES[t.dtype]!, name: `${input}: tensor '${name}'` }));
    }
    saveQuantizedFile(output, { quantized, tensors: copied, metadata: metadata ?? { format: 'pt' } });

    const params = [...quantized.values()].reduce((s, q) => s + nf4Numel(q), 0);
    printJson({
      output,
      blocksize,
      double_quant: doubleQuant,
      quantized_tensors: quantized.size,
      copied_tensors: copied.size,
      quantized_params: params,
      original_bytes: originalBytes,
      held_bytes: [...quantized.values()].reduce((s, q) => s + nf4HeldBytes(q), 0),
      bits_per_parameter: bitsPerParameter(quantized.values()),
      input_file_bytes: statSync(input).size,
      output_file_bytes: statSync(output).size,
    });
  },
};
