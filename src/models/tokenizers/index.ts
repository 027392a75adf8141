/** The tokenizer layer: runtime (tokenizer.json), T5 SentencePiece conversion, our BPE trainer. */
export * from './tokenizer.ts';
export * from './load.ts';
export * from './unk-rate.ts';
export * from './tokenizer-json.ts';
export * from './sentencepiece-model.ts';
export * from './sentencepiece-convert.ts';
export * from './bpe-trainer.ts';
export * from './byte-level.ts';
