import { UserError } from '../../util/errors.ts';

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
  if (!SUPPORTED_ACTIVATIONS.includes(c.activation_function))
    throw new UserError(
      `${source}: activation_function '${c.activation_function}' is not supported; valid: ${SUPPORTED_ACTIVATIONS.join(', ')}`,
    );
  if (c.n_embd % c.n_head !== 0)
    throw new UserError(`${source}: n_embd (${c.n_embd}) must be divisible by n_head (${c.n_head})`);
  for (const k of ['reorder_and_upcast_attn', 'scale_attn_by_inverse_layer_idx'] as const)
    if (raw[k]) throw new UserError(`${source}: ${k}=true is not supported`);
  return c;
}
