/**
 * peft's trainable tokens (`trainable_token_indices`, TrainableTokensLayer): a method trains the input
 * embedding's rows of a few tokens and nothing else of the table. An adapter method keeps the
 * embeddings frozen, so a template token the base never saw in pretraining (`<sep>`) stays an
 * untrained marker; its row is what these tokens let the method learn, at C parameters per token.
 *
 * As in peft, `trainable_tokens_delta` holds the rows' new values (initialised to the originals, so
 * training starts from the base model), and the table the model reads has them in place of the
 * originals: the input lookup and a tied output head alike. peft saves them as
 * `base_model.model.<embedding>.token_adapter.trainable_tokens_delta`.
 */
import { tf, type Tensor } from '../engine/tf.ts';
import type { Embedding, EmbeddingRowOverride } from '../models/linear.ts';
import type { LanguageModel } from '../models/registry.ts';
import type { ConfigReader } from '../util/configReader.ts';
import { UserError } from '../util/errors.ts';
import type { Adapter, AdapterBase, LayerAdapter } from './adapter.ts';
import type { PeftConfigBase } from './plugin.ts';
import { PEFT_PREFIX } from './stateDict.ts';
import { wordEmbeddings } from './promptLearning/virtualTokens.ts';

export const TRAINABLE_TOKENS_FIELD = 'trainable_token_indices';
const DELTA = 'token_adapter.trainable_tokens_delta';

/** A config that may train some embedding rows besides its adapter. */
export interface TrainableTokensOption {
  /** Token ids whose input-embedding rows train; absent when none (and then not written to the config). */
  trainable_token_indices?: number[];
}

/**
 * Reads `trainable_token_indices`: a list of distinct token ids of the model's vocabulary (peft's
 * other form, a map from module name to ids, targets embeddings we do not have: refused).
 */
export function readTrainableTokenIndices(c: ConfigReader, model: LanguageModel): TrainableTokensOption {
  const raw = c.raw[TRAINABLE_TOKENS_FIELD];
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw))
    throw new UserError(
      `${c.where}: '${TRAINABLE_TOKENS_FIELD}' must be a list of token ids (the input embedding's rows); the per-module map form is not supported`,
    );
  const v = c.ints(TRAINABLE_TOKENS_FIELD);
  if (v === null) return {};
  const ids = typeof v === 'number' ? [v] : v;
  const bad = ids.find((i) => i < 0 || i >= model.vocabSize);
  if (bad !== undefined) throw new UserError(`${c.where}: '${TRAINABLE_TOKENS_FIELD}' has token id ${bad}; valid ids are 0 to ${model.vocabSize - 1}`);
  if (new Set(ids).size !== ids.length) throw new UserError(`${c.where}: '${TRAINABLE_TOKENS_FIELD}' lists a token id twice: ${JSON.stringify(ids)}`);
  if (ids.length === 0) throw new UserError(`${c.where}: '${TRAINABLE_TOKENS_FIELD}' is empty; leave it out (or null) to train no embedding rows`);
  return { trainable_token_indices: ids };
}

/** The rows of one embedding that train; installed as the embedding's row override. */
class TrainableTokenRows implements EmbeddingRowOverride {
  /** [K, C]: the rows' current values (peft's trainable_tokens_delta). */
  readonly delta: tf.Variable;
  /** [K, C]: the rows as the base model had them (peft's trainable_tokens_original), for unmerging. */
  readonly original: Tensor;
  /** [V, 1]: 1 for rows kept from the base table, 0 for the trained ones. */
  private readonly keep: Tensor;
  /** [V]: row v's position in `delta` plus one, 0 for rows kept (gathers a zero row). */
  private readonly slot: Tensor;

  constructor(
    readonly embedding: Embedding,
    readonly indices: number[],
  ) {
    const V = embedding.numEmbeddings;
    const keep = new Float32Array(V).fill(1);
    const slot = new Int32Array(V);
    indices.forEach((v, k) => {
      keep[v] = 0;
      slot[v] = k + 1;
    });
    this.keep = tf.tensor2d(keep, [V, 1]);
    this.slot = tf.tensor1d(slot, 'int32');
    this.original = tf.tidy(() => tf.gather(embedding.weight, tf.tensor1d(indices, 'int32')));
    this.delta = tf.variable(this.original.clone(), true);
  }

  /** W·keep + rows: differentiable in `rows` (a gather of [0; rows] by slot). */
  table(weight: Tensor, rows: Tensor = this.delta): Tensor {
    return tf.tidy(() => {
      const padded = tf.concat([tf.zeros([1, this.embedding.embeddingDim]), rows], 0); // [K+1, C]
      return tf.add(tf.mul(weight, this.keep), tf.gather(padded, this.slot)); // [V, C]
    });
  }

  /** Writes `rows` into the embedding's own table (merging: the trained rows; unmerging: the originals). */
  writeInto(rows: Tensor): void {
    tf.tidy(() => this.embedding.weight.assign(this.table(this.embedding.weight, rows)));
  }

  dispose(): void {
    tf.dispose([this.delta, this.original, this.keep, this.slot]);
  }
}

/** The path of the model's input embedding in its module tree (`transformer.wte`, `shared`). */
function embeddingPath(model: LanguageModel): string {
  const e = wordEmbeddings(model);
  const found = model.namedModules().find(([, m]) => m === e);
  if (!found) throw new Error(`${model.modelType}: the input embedding is not in the module tree`);
  return found[0];
}

/**
 * `adapter` with the config's trainable token rows added (itself when the config names none): the
 * rows train, save and load beside the adapter's own tensors, and merging writes them into the table.
 */
export function withTrainableTokens<C extends PeftConfigBase & TrainableTokensOption>(adapter: Adapter<C>, model: LanguageModel): Adapter<C> {
  const indices = adapter.config.trainable_token_indices;
  if (!indices) return adapter;
  const path = embeddingPath(model);
  const embedding = wordEmbeddings(model);
  if (embedding.rowOverride) throw new UserError(`${path}: another method already trains rows of this embedding`);
  const rows = new TrainableTokenRows(embedding, indices);
  embedding.rowOverride = rows;
  const name = `${path}.${DELTA}`;
  const key = PEFT_PREFIX + name;
  const own: Partial<AdapterBase<C>> = {
    trainableParameters: () => [...adapter.trainableParameters(), [name, rows.delta]],
    stateDict: () => new Map([...adapter.stateDict(), [key, rows.delta.clone()]]),
    loadStateDict(tensors, source) {
      const delta = tensors.get(key);
      if (!delta) throw new UserError(`${source}: missing '${key}' (the config trains the rows of tokens ${JSON.stringify(indices)})`);
      if (delta.shape.join(',') !== rows.delta.shape.join(','))
        throw new UserError(`${source}: '${key}' has shape [${delta.shape}], expected [${rows.delta.shape}]`);
      rows.delta.assign(delta);
      adapter.loadStateDict(new Map([...tensors].filter(([k]) => k !== key)), source);
    },
    dispose() {
      if (embedding.rowOverride === rows) embedding.rowOverride = undefined;
      rows.dispose();
      adapter.dispose();
    },
  };
  const count = adapter.countParameters?.bind(adapter);
  if (count)
    own.countParameters = (m) => {
      const c = count(m);
      return { trainable: c.trainable + rows.delta.size, all: c.all + rows.delta.size };
    };
  // The method's own hooks (AdaLoRA's, a prompt method's forward) stay reachable through the prototype.
  const wrapped = Object.assign(Object.create(adapter) as Adapter<C>, own);
  return adapter.kind === 'layer' ? Object.assign(wrapped, mergeOps(adapter, embedding, rows)) : wrapped;
}

/** Merging writes the trained rows into the table and unmerging writes the originals back, as peft's index_copy. */
function mergeOps(adapter: LayerAdapter, embedding: Embedding, rows: TrainableTokenRows): Pick<LayerAdapter, 'merge' | 'unmerge' | 'mergeAndUnload'> {
  const merge = (): void => {
    adapter.merge();
    if (embedding.rowOverride !== rows) return;
    rows.writeInto(rows.delta);
    embedding.rowOverride = undefined;
  };
  return {
    merge,
    unmerge(): void {
      adapter.unmerge();
      if (embedding.rowOverride === rows) return;
      rows.writeInto(rows.original);
      embedding.rowOverride = rows;
    },
    mergeAndUnload(): void {
      merge();
      adapter.mergeAndUnload();
    },
  };
}

/** The rows' share of a method's trainable-parameter formula: K tokens × C embedding width (0 when none). */
export function trainableTokensCount(cfg: Record<string, unknown>, base: LanguageModel): { count: number; formula: string } {
  const ids = cfg[TRAINABLE_TOKENS_FIELD];
  if (!Array.isArray(ids) || ids.length === 0) return { count: 0, formula: '' };
  const C = wordEmbeddings(base).embeddingDim;
  return { count: ids.length * C, formula: ` + ${ids.length} token rows × ${C} (trainable_token_indices)` };
}
