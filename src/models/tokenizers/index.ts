/** The tokenizer layer: runtime (tokenizer.json), T5 SentencePiece conversion, our BPE trainer. */
export * from './tokenizer.ts';
export * from './load.ts';
export * from './unkRate.ts';
export * from './tokenizerJson.ts';
export * from './sentencepieceModel.ts';
export * from './sentencepieceConvert.ts';
export * from './bpeTrainer.ts';
export * from './byteLevel.ts';
