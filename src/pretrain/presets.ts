/**
 * The base-model presets the project trains itself (no pretrained weights can be downloaded here,
 * and real gpt2 / t5-small are too large to fine-tune usefully on two CPU cores). Each preset is the
 * config.json transformers 4.39 writes for GPT2Config / T5Config with these values, key for key, so
 * that `from_pretrained(dir)` in Python reads the directory as it is.
 */
import { UserError } from '../util/errors.ts';
import { SPECIAL_TOKENS } from './sharedTokenizer.ts';

export const PRESET_NAMES = ['gpt2-micro', 't5-micro'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The shared tokenizer's size: a multiple of 64 keeps the LM-head matmul aligned. */
export const VOCAB_SIZE = 8192;

/** Ids fixed by the tokenizer layout (see sharedTokenizer.ts: special tokens come first). */
export const PAD_ID = 0;
export const EOS_ID = 1;
export const ENDOFTEXT_ID = SPECIAL_TOKENS.indexOf('<|endoftext|>');

export interface Preset {
  name: PresetName;
  /** config.json, exactly as transformers writes it (keys sorted, its own defaults filled in). */
  config: Record<string, unknown>;
  /** generation_config.json as GenerationConfig.from_model_config writes it. */
  generationConfig: Record<string, unknown>;
  /** Tokens per training sequence (GPT-2: packed block; T5: encoder inputs after span corruption). */
  sequenceLength: number;
}

const TRANSFORMERS_VERSION = '4.39.0';

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

/**
 * gpt2-micro: 4 layers, width 256, 4 heads (head dim 64), 256 positions, tied head; GPT-2's
 * <|endoftext|> is bos/eos, and the tokenizer's own <pad> is the pad token (GPT-2 has none).
 */
function gpt2Micro(dropout: number): Preset {
  const config = sortKeys({
    activation_function: 'gelu_new',
    architectures: ['GPT2LMHeadModel'],
    attn_pdrop: dropout,
    bos_token_id: ENDOFTEXT_ID,
    embd_pdrop: dropout,
    eos_token_id: ENDOFTEXT_ID,
    initializer_range: 0.02,
    layer_norm_epsilon: 1e-5,
    model_type: 'gpt2',
    n_embd: 256,
    n_head: 4,
    n_inner: null,
    n_layer: 4,
    n_positions: 256,
    pad_token_id: PAD_ID,
    reorder_and_upcast_attn: false,
    resid_pdrop: dropout,
    scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true,
    summary_activation: null,
    summary_first_dropout: 0.1,
    summary_proj_to_labels: true,
    summary_type: 'cls_index',
    summary_use_proj: true,
    torch_dtype: 'float16',
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
    vocab_size: VOCAB_SIZE,
  });
  return {
    name: 'gpt2-micro',
    config,
    generationConfig: {
      _from_model_config: true,
      bos_token_id: ENDOFTEXT_ID,
      eos_token_id: ENDOFTEXT_ID,
      pad_token_id: PAD_ID,
      transformers_version: TRANSFORMERS_VERSION,
    },
    sequenceLength: 128,
  };
}

/**
 * t5-micro: T5 v1.0 style (ReLU feed-forward, tied embeddings with the d_model^-0.5 rescale),
 * d_model 256, 4 heads of 64, d_ff 512, 3 + 3 layers; pad 0, eos 1, decoder start = pad, as T5.
 */
function t5Micro(dropout: number): Preset {
  const config = sortKeys({
    architectures: ['T5ForConditionalGeneration'],
    classifier_dropout: 0.0,
    d_ff: 512,
    d_kv: 64,
    d_model: 256,
    decoder_start_token_id: PAD_ID,
    dense_act_fn: 'relu',
    dropout_rate: dropout,
    eos_token_id: EOS_ID,
    feed_forward_proj: 'relu',
    initializer_factor: 1.0,
    is_encoder_decoder: true,
    is_gated_act: false,
    layer_norm_epsilon: 1e-6,
    model_type: 't5',
    num_decoder_layers: 3,
    num_heads: 4,
    num_layers: 3,
    pad_token_id: PAD_ID,
    relative_attention_max_distance: 128,
    relative_attention_num_buckets: 32,
    torch_dtype: 'float16',
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
    vocab_size: VOCAB_SIZE,
  });
  return {
    name: 't5-micro',
    config,
    generationConfig: {
      _from_model_config: true,
      decoder_start_token_id: PAD_ID,
      eos_token_id: EOS_ID,
      pad_token_id: PAD_ID,
      transformers_version: TRANSFORMERS_VERSION,
    },
    sequenceLength: 128,
  };
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/**
 * The dropout config.json ships, what fine-tuning uses. GPT-2: 0.1, the HF default. t5-micro: 0, as
 * it was pretrained. Measured on the standard translation budget (chrF on the everyday test pairs,
 * share of degenerate outputs): at 0.1, full fine-tuning gave 13.0 / 1.2% and LoRA r=8 4.1 / 37%.
 * At 0 they gave 15.0 / 5.0% and 9.8 / 7.8%. Dropout 0.1 raised the loss of the very first step from
 * 5.37 to 6.34 nats: noise this small model never saw, which a short fine-tune, and an adapter
 * above all, spends its budget absorbing.
 */
export const SHIPPED_DROPOUT: Readonly<Record<PresetName, number>> = { 'gpt2-micro': 0.1, 't5-micro': 0 };

/**
 * The preset's files. `dropout` is what config.json says (default SHIPPED_DROPOUT); pretraining
 * may run with another value (see pretrain.ts).
 */
export function preset(name: string, opts: { dropout?: number } = {}): Preset {
  const dropout = opts.dropout ?? (isPresetName(name) ? SHIPPED_DROPOUT[name] : 0.1);
  if (name === 'gpt2-micro') return gpt2Micro(dropout);
  if (name === 't5-micro') return t5Micro(dropout);
  throw new UserError(`preset '${name}' is not known; valid presets: ${PRESET_NAMES.join(', ')}, tokenizer`);
}
