/**
 * Reads a SentencePiece `.model` file (a serialized `sentencepiece.ModelProto`). Field numbers
 * follow sentencepiece_model.proto; only the fields a tokenizer needs are decoded, the rest are
 * skipped, so newer files with extra fields still load.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../util/errors.ts';
import { ProtoReader, ProtobufError, asBool, asBytes, asFloat, asInt32, asString } from './protobuf.ts';

/** `ModelProto.SentencePiece.Type`. */
export const PieceType = { Normal: 1, Unknown: 2, Control: 3, UserDefined: 4, Unused: 5, Byte: 6 } as const;
export type PieceTypeValue = (typeof PieceType)[keyof typeof PieceType];

/** `TrainerSpec.ModelType`. */
export const SpmModelType = { Unigram: 1, Bpe: 2, Word: 3, Char: 4 } as const;

export interface SentencePiece {
  piece: string;
  score: number;
  type: PieceTypeValue;
}

export interface SpmTrainerSpec {
  modelType: number;
  vocabSize: number;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  unkPiece: string;
  bosPiece: string;
  eosPiece: string;
  padPiece: string;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  splitDigits: boolean;
  controlSymbols: string[];
  userDefinedSymbols: string[];
}

export interface SpmNormalizerSpec {
  name: string;
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

export interface SentencePieceModel {
  pieces: SentencePiece[];
  trainerSpec: SpmTrainerSpec;
  normalizerSpec: SpmNormalizerSpec;
}

function readPiece(bytes: Uint8Array): SentencePiece {
  // Defaults from the .proto: score 0, type NORMAL.
  const p: SentencePiece = { piece: '', score: 0, type: PieceType.Normal };
  for (const f of new ProtoReader(bytes).fields()) {
    if (f.field === 1) p.piece = asString(f);
    else if (f.field === 2) p.score = asFloat(f);
    else if (f.field === 3) p.type = asInt32(f) as PieceTypeValue;
  }
  return p;
}

function readTrainerSpec(bytes: Uint8Array | undefined): SpmTrainerSpec {
  // Defaults are the .proto defaults, which matter: T5's model relies on explicit ids, others don't.
  const t: SpmTrainerSpec = {
    modelType: SpmModelType.Unigram,
    vocabSize: 8000,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    unkPiece: '<unk>',
    bosPiece: '<s>',
    eosPiece: '</s>',
    padPiece: '<pad>',
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    splitDigits: false,
    controlSymbols: [],
    userDefinedSymbols: [],
  };
  if (!bytes) return t;
  for (const f of new ProtoReader(bytes).fields()) {
    // biome-ignore format: one line per protobuf field
    switch (f.field) {
      case 3: t.modelType = asInt32(f); break;
      case 4: t.vocabSize = asInt32(f); break;
      case 24: t.treatWhitespaceAsSuffix = asBool(f); break;
      case 25: t.splitDigits = asBool(f); break;
      case 30: t.controlSymbols.push(asString(f)); break;
      case 31: t.userDefinedSymbols.push(asString(f)); break;
      case 35: t.byteFallback = asBool(f); break;
      case 40: t.unkId = asInt32(f); break;
      case 41: t.bosId = asInt32(f); break;
      case 42: t.eosId = asInt32(f); break;
      case 43: t.padId = asInt32(f); break;
      case 45: t.unkPiece = asString(f); break;
      case 46: t.bosPiece = asString(f); break;
      case 47: t.eosPiece = asString(f); break;
      case 48: t.padPiece = asString(f); break;
      default: break;
    }
  }
  return t;
}

function readNormalizerSpec(bytes: Uint8Array | undefined): SpmNormalizerSpec {
  const n: SpmNormalizerSpec = {
    name: '',
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  if (!bytes) return n;
  for (const f of new ProtoReader(bytes).fields()) {
    switch (f.field) {
      case 1:
        n.name = asString(f);
        break;
      case 2:
        n.precompiledCharsmap = asBytes(f).slice();
        break;
      case 3:
        n.addDummyPrefix = asBool(f);
        break;
      case 4:
        n.removeExtraWhitespaces = asBool(f);
        break;
      case 5:
        n.escapeWhitespaces = asBool(f);
        break;
      default:
        break;
    }
  }
  return n;
}

/** Parses the bytes of a `.model` file; `source` names it in error messages. */
export function parseSentencePieceModel(bytes: Uint8Array, source = 'SentencePiece model'): SentencePieceModel {
  const pieces: SentencePiece[] = [];
  let trainer: Uint8Array | undefined;
  let normalizer: Uint8Array | undefined;
  try {
    for (const f of new ProtoReader(bytes).fields()) {
      if (f.field === 1) pieces.push(readPiece(asBytes(f)));
      else if (f.field === 2) trainer = asBytes(f);
      else if (f.field === 3) normalizer = asBytes(f);
    }
    if (pieces.length === 0) throw new ProtobufError('no pieces (field 1) found');
    return { pieces, trainerSpec: readTrainerSpec(trainer), normalizerSpec: readNormalizerSpec(normalizer) };
  } catch (e) {
    if (e instanceof ProtobufError) {
      throw new UserError(`${source} is not a valid SentencePiece ModelProto: ${e.message}`);
    }
    throw e;
  }
}

export function readSentencePieceModel(file: string): SentencePieceModel {
  return parseSentencePieceModel(readFileSync(file), file);
}
