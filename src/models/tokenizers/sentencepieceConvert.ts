/**
 * Converts a SentencePiece Unigram model into the `tokenizer.json` that Hugging Face's T5 converter
 * (`transformers.convert_slow_tokenizer.T5Converter` + `T5TokenizerFast`) produces:
 *
 * - model: Unigram over the .model's pieces (with their scores), `unk_id` from the trainer spec;
 * - the T5 sentinels `<extra_id_0..N-1>` appended in HF's order: `<extra_id_{N-1}>` first, so that
 *   `<extra_id_0>` is the last id (vocab_size - 1);
 * - normalizer: Sequence[Precompiled(charsmap), Strip(right), Replace(" {2,}" -> "▁")];
 * - pre-tokenizer and decoder: Metaspace("▁", prepend_scheme "always", split);
 * - post-processor: TemplateProcessing "$A </s>" / "$A </s> $B </s>";
 * - added tokens: control pieces (`<pad>`, `</s>`), `<unk>` and the sentinels, all special.
 */
import { UserError } from '../../util/errors.ts';
import { PieceType, SpmModelType, type SentencePiece, type SentencePieceModel, type SpmTrainerSpec } from './sentencepieceModel.ts';
import { specialAddedToken, type AddedTokenJson, type TokenizerJson } from './tokenizerJson.ts';

export interface T5ConversionOptions {
  /** Number of `<extra_id_N>` sentinels (T5: 100). */
  extraIds?: number;
  /** Called for each non-standard thing the converter had to work around. */
  onWarning?: (message: string) => void;
}

const SENTINEL = /^▁?<extra_id_(\d+)>$/;

/**
 * Pieces T5's own vocabulary does not have, and what to do about them:
 * - a control `<s>` piece while the trainer spec disables BOS (`bos_id = -1`): T5 never uses BOS and
 *   its ids (`<pad>` 0, `</s>` 1, `<unk>` 2, "▁" 3, ...) only line up without it, as the trainer
 *   spec's own `unk_id = 2` confirms;
 * - user-defined sentinel pieces (`▁<extra_id_N>`, as seqio's "100extra" vocabularies store them):
 *   HF keeps sentinels as added tokens `<extra_id_N>` at the end of the vocabulary instead.
 */
function t5Pieces(model: SentencePieceModel, warn: (m: string) => void): { pieces: SentencePiece[]; sentinels: number[] } {
  const spec = model.trainerSpec;
  const pieces: SentencePiece[] = [];
  const sentinels: number[] = [];
  model.pieces.forEach((p, i) => {
    const s = SENTINEL.exec(p.piece);
    if (s && (p.type === PieceType.UserDefined || p.type === PieceType.Control)) {
      sentinels.push(Number(s[1]));
      return;
    }
    if (spec.bosId < 0 && p.type === PieceType.Control && p.piece === spec.bosPiece) {
      warn(
        `dropped control piece ${JSON.stringify(p.piece)} at id ${i}: BOS is disabled in the trainer spec (bos_id=-1) and T5's vocabulary has no such piece`,
      );
      return;
    }
    pieces.push(p);
  });
  return { pieces, sentinels };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Builds T5's tokenizer.json from a parsed `.model`; `source` names the file in error messages. */
export function t5TokenizerJsonFromSentencePiece(model: SentencePieceModel, options: T5ConversionOptions = {}, source = 'SentencePiece model'): TokenizerJson {
  const extraIds = options.extraIds ?? 100;
  const warn = options.onWarning ?? (() => {});
  const spec = model.trainerSpec;
  if (spec.modelType !== SpmModelType.Unigram) {
    throw new UserError(`${source}: model_type ${spec.modelType} is not Unigram (1); only Unigram SentencePiece models can be converted for T5`);
  }
  const { pieces, sentinels } = t5Pieces(model, warn);
  checkT5Layout({ spec, pieces, sentinels, extraIds, source });
  const { vocab, added } = t5VocabAndAddedTokens(pieces, extraIds);
  const metaspace = { replacement: '▁', prepend_scheme: 'always', split: true };

  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: t5Normalizer(model.normalizerSpec.precompiledCharsmap),
    pre_tokenizer: { type: 'Metaspace', ...metaspace },
    post_processor: t5PostProcessor(spec),
    decoder: { type: 'Metaspace', ...metaspace },
    model: { type: 'Unigram', unk_id: spec.unkId, vocab, byte_fallback: false },
  };
}

/**
 * Throws unless the special pieces sit at T5's ids (`<pad>` 0, `</s>` 1, `<unk>` 2) and the file's
 * own sentinels, if any, are exactly HF's set in HF's order: otherwise ids would silently differ.
 */
function checkT5Layout(args: { spec: SpmTrainerSpec; pieces: SentencePiece[]; sentinels: number[]; extraIds: number; source: string }): void {
  const { spec, pieces, sentinels, extraIds, source } = args;
  const idOf = (piece: string): number => pieces.findIndex((p) => p.piece === piece);
  for (const [name, id, piece] of [
    ['pad', spec.padId, spec.padPiece],
    ['eos', spec.eosId, spec.eosPiece],
    ['unk', spec.unkId, spec.unkPiece],
  ] as const) {
    const at = idOf(piece);
    if (at !== id) {
      throw new UserError(
        `${source}: trainer spec says ${name}_id=${id} but piece ${JSON.stringify(piece)} is at id ${at}; expected a T5 vocabulary (<pad> 0, </s> 1, <unk> 2)`,
      );
    }
  }
  const unk = pieces[spec.unkId]!;
  if (unk.type !== PieceType.Unknown) {
    throw new UserError(`${source}: piece ${spec.unkId} (${JSON.stringify(unk.piece)}) is not of type UNKNOWN`);
  }

  if (sentinels.length > 0) {
    const expected = Array.from({ length: extraIds }, (_, k) => extraIds - 1 - k);
    if (sentinels.length !== extraIds || sentinels.some((n, k) => n !== expected[k])) {
      throw new UserError(
        `${source}: has ${sentinels.length} sentinel pieces in order ${sentinels.slice(0, 3).join(',')}...; expected ${extraIds} from <extra_id_${extraIds - 1}> down to <extra_id_0>`,
      );
    }
  }
}

/** The Unigram vocabulary (pieces with their scores, then the sentinels) and the added tokens. */
function t5VocabAndAddedTokens(pieces: SentencePiece[], extraIds: number): { vocab: [string, number][]; added: AddedTokenJson[] } {
  const vocab: [string, number][] = pieces.map((p) => [p.piece, p.score]);
  const added: AddedTokenJson[] = [];
  // SpmConverter makes control and user-defined pieces added tokens; T5TokenizerFast adds <unk>.
  pieces.forEach((p, id) => {
    if (p.type === PieceType.Control || p.type === PieceType.Unknown) added.push(specialAddedToken(id, p.piece));
    else if (p.type === PieceType.UserDefined) added.push({ ...specialAddedToken(id, p.piece), special: false });
  });
  for (let n = extraIds - 1; n >= 0; n--) {
    const content = `<extra_id_${n}>`;
    added.push(specialAddedToken(vocab.length, content));
    vocab.push([content, 0]);
  }
  return { vocab, added };
}

/** Sequence[Precompiled(charsmap) when the model has one, Strip(right), Replace(" {2,}" -> "▁")]. */
function t5Normalizer(charsmap: Uint8Array): TokenizerJson['normalizer'] {
  const normalizers: TokenizerJson['normalizer'][] = [];
  if (charsmap.length > 0) normalizers.push({ type: 'Precompiled', precompiled_charsmap: base64(charsmap) });
  normalizers.push({ type: 'Strip', strip_left: false, strip_right: true });
  normalizers.push({ type: 'Replace', pattern: { Regex: ' {2,}' }, content: '▁' });
  return { type: 'Sequence', normalizers };
}

/** T5's post-processor, TemplateProcessing "$A </s>" / "$A </s> $B </s>": each sequence ends with `eos`. */
export function eosTemplateProcessing(eos: string, eosId: number): TokenizerJson['post_processor'] {
  return {
    type: 'TemplateProcessing',
    single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: eos, type_id: 0 } }],
    pair: [
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: eos, type_id: 0 } },
      { Sequence: { id: 'B', type_id: 0 } },
      { SpecialToken: { id: eos, type_id: 0 } },
    ],
    special_tokens: { [eos]: { id: eos, ids: [eosId], tokens: [eos] } },
  };
}

function t5PostProcessor(spec: SpmTrainerSpec): TokenizerJson['post_processor'] {
  return eosTemplateProcessing(spec.eosPiece, spec.eosId);
}

/** The tokenizer_config.json HF writes for T5 (special tokens and the sentinel list). */
export function t5TokenizerConfig(json: TokenizerJson, extraIds = 100): Record<string, unknown> {
  const unigram = json.model as { vocab: [string, number][]; unk_id: number };
  return {
    tokenizer_class: 'T5Tokenizer',
    eos_token: '</s>',
    pad_token: '<pad>',
    unk_token: unigram.vocab[unigram.unk_id]![0],
    extra_ids: extraIds,
    additional_special_tokens: Array.from({ length: extraIds }, (_, n) => `<extra_id_${n}>`),
    clean_up_tokenization_spaces: true,
    model_max_length: 512,
  };
}
