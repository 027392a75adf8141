import { tf, type Tensor } from '../../engine/tf.ts';
import type { Embedding } from '../../models/linear.ts';
import { Module } from '../../models/module.ts';
import type { ModelInput, ModelOutput } from '../../models/outputs.ts';
import type { LanguageModel } from '../../models/registry.ts';
import type { PromptAdapter } from '../adapter.ts';
import { UserError } from '../../util/errors.ts';
import type { PromptLearningConfig } from './config.ts';

/** peft's single saved tensor for every prompt-learning method. */
export const PROMPT_EMBEDDINGS = 'prompt_embeddings';
/** In-memory parameter names follow peft's PeftModel (`prompt_encoder.default.embedding.weight`). */
export const ENCODER_PREFIX = 'prompt_encoder.default.';

/** A prompt encoder: its `embedding` and whatever turns it into the table peft saves. */
export interface PromptEncoderModule extends Module {
  readonly embedding: Embedding;
  /**
   * The table saved as `prompt_embeddings` (peft's get_prompt_embedding_to_save), differentiable.
   * `training` switches the encoder's dropout: it lives beside the base model, not in its tree.
   */
  output(training?: boolean): Tensor;
}

/**
 * peft's PromptEmbedding: the table is the parameter itself. Prompt tuning trains it; a loaded
 * adapter of any prompt method holds it in peft's inference mode and uses it as is (for P-tuning and
 * prefix projection that is the encoder's output: the encoder itself is not saved).
 */
export class PromptEmbedding extends Module implements PromptEncoderModule {
  constructor(readonly embedding: Embedding) {
    super();
    this.registerModule('embedding', embedding);
  }
  output(): Tensor {
    return this.embedding.weight;
  }
}

/**
 * The PromptAdapter shared by prompt tuning, prefix tuning and P-tuning: parameters are the
 * encoder's, the saved state is its output table, and `forward` gets that table on demand.
 */
export function promptLearningAdapter<C extends PromptLearningConfig>(
  config: C,
  encoder: PromptEncoderModule,
  method: string,
  forward: (base: LanguageModel, input: ModelInput, table: () => Tensor) => ModelOutput,
): PromptAdapter<C> {
  const params = (): [string, tf.Variable][] => encoder.namedParameters(ENCODER_PREFIX);
  return {
    kind: 'prompt',
    config,
    trainableParameters: params,
    stateDict() {
      // tidy frees the encoder's intermediates; the clone survives (the caller disposes it).
      return new Map([[PROMPT_EMBEDDINGS, tf.tidy(() => encoder.output(false).clone())]]);
    },
    loadStateDict(tensors, source) {
      const extra = [...tensors.keys()].filter((k) => k !== PROMPT_EMBEDDINGS);
      const t = tensors.get(PROMPT_EMBEDDINGS);
      if (!t || extra.length)
        throw new UserError(
          `${source}: a ${method} adapter holds exactly one tensor '${PROMPT_EMBEDDINGS}'; ${t ? `unexpected ${extra.slice(0, 4).join(', ')}` : `it is missing (found ${[...tensors.keys()].slice(0, 4).join(', ') || 'nothing'})`}`,
        );
      if (params().length !== 1)
        throw new UserError(
          `${source}: a saved ${method} adapter holds only its encoder's output, not the encoder: load it for inference (not trainable), or train a new one`,
        );
      const w = encoder.embedding.weight;
      if (t.shape.join(',') !== w.shape.join(','))
        throw new UserError(
          `${source}: '${PROMPT_EMBEDDINGS}' has shape [${t.shape}], this config expects [${w.shape}] (different num_virtual_tokens or base model?)`,
        );
      w.assign(t);
    },
    forward(base, input) {
      return forward(base, input, () => encoder.output(base.training));
    },
    summary: () => ({
      num_virtual_tokens: config.num_virtual_tokens,
      prompt_embeddings_shape: [...encoder.embedding.weight.shape],
    }),
    dispose: () => encoder.dispose(),
  };
}
