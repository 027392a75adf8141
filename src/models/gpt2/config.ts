import { UserError } from '../../util/errors.ts';
import { sizeField, type ConfigSizes } from '../hf/configSizes.ts';

/** The fields of Hugging Face's GPT2Config that change the computation. */
export interface GPT2Config {
  model_type: 'gpt2';
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  n_inner: number | null;
  activation_function: string;
  resid_pdrop: number;
  embd_pdrop: number;
  attn_pdrop: number;
  layer_norm_epsilon: number;
  scale_attn_weights: boolean;
  bos_token_id: number;
  eos_token_id: number;
  pad_token_id?: number | null;
  tie_word_embeddings: boolean;
}

/** GPT2Config() defaults (transformers 4.39), so partial config.json files load as in Python. */
export const GPT2_DEFAULTS: GPT2Config = {
  model_type: 'gpt2',
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
  n_inner: null,
  activation_function: 'gelu_new',
  resid_pdrop: 0.1,
  embd_pdrop: 0.1,
  attn_pdrop: 0.1,
  layer_norm_epsilon: 1e-5,
  scale_attn_weights: true,
  bos_token_id: 50256,
  eos_token_id: 50256,
  pad_token_id: null,
  tie_word_embeddings: true,
};

const SUPPORTED_ACTIVATIONS = ['gelu_new', 'gelu_pytorch_tanh', 'gelu', 'relu'];

export function gpt2Config(raw: Record<string, unknown>, source = 'config.json'): GPT2Config {
  const c = { ...GPT2_DEFAULTS, ...raw } as GPT2Config;
  gpt2Sizes(raw, source);
  if (!SUPPORTED_ACTIVATIONS.includes(c.activation_function))
    throw new UserError(`${source}: activation_function '${c.activation_function}' is not supported; valid: ${SUPPORTED_ACTIVATIONS.join(', ')}`);
  for (const k of ['reorder_and_upcast_attn', 'scale_attn_by_inverse_layer_idx'] as const)
    if (raw[k]) throw new UserError(`${source}: ${k}=true is not supported`);
  return c;
}

/** The sizes of a GPT-2 config (defaults applied, each checked) and where the checkpoint shows them. */
export function gpt2Sizes(raw: Record<string, unknown>, source = 'config.json'): ConfigSizes {
  const d = GPT2_DEFAULTS;
  const V = sizeField(raw, 'vocab_size', d.vocab_size, source);
  const C = sizeField(raw, 'n_embd', d.n_embd, source);
  const P = sizeField(raw, 'n_positions', d.n_positions, source);
  const L = sizeField(raw, 'n_layer', d.n_layer, source);
  const H = sizeField(raw, 'n_head', d.n_head, source);
  const I = raw.n_inner === null || raw.n_inner === undefined ? 4 * C : sizeField(raw, 'n_inner', 0, source);
  if (C % H !== 0) throw new UserError(`${source}: n_embd (${C}) must be divisible by n_head (${H})`);
  const untied = raw.tie_word_embeddings === false;
  const block = 4 * C + 3 * C * C + 3 * C + C * C + C + C * I + I + I * C + C;
  return {
    fields: [
      { field: 'vocab_size', value: V, tensor: 'transformer.wte.weight', axis: 0 },
      { field: 'n_embd', value: C, tensor: 'transformer.wte.weight', axis: 1 },
      { field: 'n_positions', value: P, tensor: 'transformer.wpe.weight', axis: 0 },
      { field: 'n_layer', value: L, layers: 'transformer.h' },
      { field: 'n_inner', value: I, tensor: 'transformer.h.0.mlp.c_fc.weight', axis: 1 },
      ...(untied ? [{ field: 'vocab_size', value: V, tensor: 'lm_head.weight', axis: 0 }] : []),
    ],
    parameters: V * C + P * C + L * block + 2 * C + (untied ? V * C : 0),
  };
}
