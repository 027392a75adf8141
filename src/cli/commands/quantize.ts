import { statSync } from 'node:fs';
import { readSafetensors, toFloat32, type Tensor } from '../../models/safetensors.ts';
import { UserError } from '../../util/errors.ts';
import { printJson, requireString, type Command } from '../command.ts';
import { registeredQuantizer } from '../../peft/plugin.ts';
import type { OriginalDtype, QuantizedWeight } from '../../peft/weightQuantizer.ts';

const FLOAT_DTYPES: Partial<Record<Tensor['dtype'], OriginalDtype>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/**
 * The default choice, as QLoRA makes it: floating matrices (Linear and embedding weights, and higher-rank
 * kernels), not biases or norms, whose few values would lose more than they save.
 */
export function isQuantizable(t: Tensor): boolean {
  return FLOAT_DTYPES[t.dtype] !== undefined && t.shape.length >= 2 && t.data.length > 0;
}

/**
 * Compiles --tensors: comma-separated globs matched against whole tensor names, where `*` is any run of
 * characters (dots included, so `*.bias` reaches every layer) and `?` one character. Globs rather than
 * regexes because tensor names are full of dots that a regex would silently treat as wildcards.
 */
export function tensorNameMatcher(pattern: string): (name: string) => boolean {
  const globs = pattern.split(',').map((g) => g.trim());
  if (globs.some((g) => g === ''))
    throw new UserError(`quantize: --tensors '${pattern}' has an empty pattern; give comma-separated globs such as 'h.*.mlp.c_fc.weight,*.bias'`);
  const escapeChar = (c: string) => c.replace(/[\\^$.+()[\]{}|]/g, '\\$&');
  const source = globs.map((g) => [...g].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeChar(c))).join('')).join('|');
  const re = new RegExp(`^(?:${source})$`, 'su');
  return (name) => re.test(name);
}

const MAX_NAMES_SHOWN = 8;

function someNames(names: string[]): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, MAX_NAMES_SHOWN).join(', ');
  return names.length > MAX_NAMES_SHOWN ? `${shown}, … (${names.length} in all)` : shown;
}

export const command: Command = {
  name: 'quantize',
  summary: 'NF4-quantize a safetensors checkpoint as bitsandbytes does (QLoRA storage)',
  // A getter: the blocksizes are the registered quantizer's, known once the program has started.
  get usage() {
    const { blocksizes, defaultBlocksize } = registeredQuantizer();
    return [
      'peft-lab quantize --input IN.safetensors --output OUT.safetensors [--tensors PATTERN] [--blocksize 64] [--double-quant]',
      '',
      'The chosen tensors are quantized to NF4 (bitsandbytes quantize_4bit, quant_type nf4, blocksize',
      `${blocksizes.join('|')}, default ${defaultBlocksize}); every other tensor is copied unchanged. By default the chosen`,
      'tensors are the Linear weights: every non-empty F32/F16/BF16 tensor with 2 or more dimensions (biases,',
      'norms and integer tensors are copied). --tensors PATTERN chooses by name instead, whatever the number of',
      "dimensions: comma-separated globs over whole tensor names, '*' any characters (dots included), '?' one",
      "character (e.g. --tensors '*.weight' or 'ln_f.bias,h.0.*'); non-float and empty tensors are copied. When",
      'nothing is chosen the command fails instead of writing an unquantized copy. --double-quant also compresses the per-block absmax to 8 bits',
      '(bitsandbytes compress_statistics / QLoRA double quantization). The output uses the bitsandbytes',
      'Linear4bit state-dict layout: W (packed uint8), W.absmax, W.quant_map, [W.nested_absmax,',
      'W.nested_quant_map,] W.quant_state.bitsandbytes__nf4 (JSON: shape, dtype, blocksize, nested_offset).',
      'Prints {"output", "quantized_tensors", "copied_tensors", "quantized_params", "bits_per_parameter", ...}.',
    ].join('\n');
  },
  options: {
    input: { type: 'string' },
    output: { type: 'string' },
    tensors: { type: 'string' },
    blocksize: { type: 'string' },
    'double-quant': { type: 'boolean' },
  },
  async run(values) {
    const input = requireString(values, 'input', 'quantize');
    const output = requireString(values, 'output', 'quantize');
    const nf4 = registeredQuantizer();
    const blocksizeText = values.blocksize === undefined ? String(nf4.defaultBlocksize) : String(values.blocksize);
    const blocksize = Number(blocksizeText);
    if (!/^\d+$/.test(blocksizeText) || !nf4.blocksizes.includes(blocksize))
      throw new UserError(`quantize: --blocksize must be one of ${nf4.blocksizes.join(', ')}, got '${blocksizeText}'`);
    const doubleQuant = values['double-quant'] === true;
    const pattern = values.tensors === undefined ? undefined : String(values.tensors);
    const matches = pattern === undefined ? undefined : tensorNameMatcher(pattern);
    const chosen = (name: string, t: Tensor) => (matches ? matches(name) && FLOAT_DTYPES[t.dtype] !== undefined && t.data.length > 0 : isQuantizable(t));

    const { tensors, metadata } = readSafetensors(input);
    const names = [...tensors.keys()];
    if (![...tensors].some(([name, t]) => chosen(name, t))) {
      // Writing an unquantized copy and exiting 0 would let a typo pass as a successful quantization.
      if (matches) {
        const named = names.filter(matches);
        const why = named.length === 0 ? 'matched no tensor name' : `matched only non-float or empty tensors (${someNames(named)})`;
        throw new UserError(`quantize: --tensors '${pattern}' ${why} in ${input}; its tensors: ${someNames(names)}`);
      }
      throw new UserError(
        `quantize: ${input} has no floating-point tensor with 2 or more dimensions (the default choice); name the tensors to quantize with --tensors PATTERN (e.g. --tensors '*'); its tensors: ${someNames(names)}`,
      );
    }
    const quantized = new Map<string, QuantizedWeight>();
    const copied = new Map<string, Tensor>();
    let originalBytes = 0;
    for (const [name, t] of tensors) {
      if (!chosen(name, t)) {
        copied.set(name, t);
        continue;
      }
      originalBytes += t.data.byteLength;
      quantized.set(name, nf4.quantize(toFloat32(t), t.shape, { blocksize, doubleQuant, dtype: FLOAT_DTYPES[t.dtype]!, name: `${input}: tensor '${name}'` }));
    }
    nf4.save(output, { quantized, tensors: copied, metadata: metadata ?? { format: 'pt' } });

    const params = [...quantized.values()].reduce((s, q) => s + nf4.numel(q), 0);
    printJson({
      output,
      blocksize,
      double_quant: doubleQuant,
      quantized_tensors: quantized.size,
      copied_tensors: copied.size,
      quantized_params: params,
      original_bytes: originalBytes,
      held_bytes: [...quantized.values()].reduce((s, q) => s + nf4.heldBytes(q), 0),
      bits_per_parameter: nf4.bitsPerParameter(quantized.values()),
      input_file_bytes: statSync(input).size,
      output_file_bytes: statSync(output).size,
    });
  },
};
