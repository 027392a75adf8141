import { writeSafetensors, type Tensor } from '../../models/safetensors.ts';
import { printJson, requireString, type Command } from '../command.ts';
import { registeredQuantizer } from '../../peft/plugin.ts';

export const command: Command = {
  name: 'dequantize',
  summary: 'turn an NF4 (bitsandbytes-layout) safetensors file back into float32 tensors',
  usage: [
    'peft-lab dequantize --input Q.safetensors --output F32.safetensors',
    '',
    'Every NF4 weight (found by its W.quant_state.bitsandbytes__nf4 entry, with or without double',
    'quantization) is dequantized as bitsandbytes dequantize_4bit does and written as F32 under its',
    'original name and shape; its quant-state entries are dropped; all other tensors are copied unchanged.',
    'Prints {"output", "dequantized_tensors", "copied_tensors", "dequantized_params"}.',
  ].join('\n'),
  options: { input: { type: 'string' }, output: { type: 'string' } },
  async run(values) {
    const input = requireString(values, 'input', 'dequantize');
    const output = requireString(values, 'output', 'dequantize');
    const nf4 = registeredQuantizer();
    const ckpt = nf4.load(input);
    const out = new Map<string, Tensor>(ckpt.tensors);
    let params = 0;
    for (const [name, q] of ckpt.quantized) {
      const data = nf4.dequantize(q);
      params += data.length;
      out.set(name, { dtype: 'F32', shape: q.shape, data });
    }
    writeSafetensors(output, out, ckpt.metadata ?? { format: 'pt' });
    printJson({ output, dequantized_tensors: ckpt.quantized.size, copied_tensors: ckpt.tensors.size, dequantized_params: params });
  },
};
