import { showKeys, showValue, UserError } from '../util/errors.ts';
import { readJsonFile } from '../models/hf/modelDir.ts';

/** The `--input FILE.json` of logits/generate: HF's tensor names, nested arrays. */
export interface InputFile {
  input_ids: number[][];
  attention_mask?: number[][];
  position_ids?: number[][];
  decoder_input_ids?: number[][];
}

function matrix(v: unknown, name: string, file: string, rows?: number, cols?: number): number[][] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((r) => Array.isArray(r)))
    throw new UserError(`${file}: '${name}' must be a non-empty array of arrays of integers ([batch][tokens])`);
  const m = v as unknown[][];
  const width = m[0]!.length;
  if (width === 0) throw new UserError(`${file}: '${name}' rows must not be empty`);
  m.forEach((r, i) => {
    if (r.length !== width) throw new UserError(`${file}: '${name}' row ${i} has ${r.length} entries, row 0 has ${width} (pad the rows)`);
    r.forEach((x, j) => {
      if (!Number.isInteger(x)) throw new UserError(`${file}: '${name}'[${i}][${j}] = ${showValue(x)} is not an integer`);
    });
  });
  if (rows !== undefined && m.length !== rows) throw new UserError(`${file}: '${name}' has ${m.length} rows, input_ids has ${rows}`);
  if (cols !== undefined && width !== cols) throw new UserError(`${file}: '${name}' has ${width} columns, input_ids has ${cols}`);
  return m as number[][];
}

/**
 * Position ids index a table of `maxPositions` rows; a row past it has no embedding. A model without
 * one (T5's relative positions) has no upper bound, but a position is never negative there either.
 */
function checkPositions(file: string, T: number, positionIds: number[][] | undefined, maxPositions: number | undefined): void {
  if (maxPositions !== undefined && T > maxPositions)
    throw new UserError(`${file}: the rows have ${T} tokens but the model has n_positions=${maxPositions}: shorten them to at most ${maxPositions}`);
  const valid =
    maxPositions === undefined
      ? 'positions are 0 or more (this model has relative positions, with no upper bound)'
      : `the model has positions 0..${maxPositions - 1} (n_positions=${maxPositions})`;
  positionIds?.forEach((r, i) =>
    r.forEach((x, j) => {
      if (x < 0 || (maxPositions !== undefined && x >= maxPositions)) throw new UserError(`${file}: position_ids[${i}][${j}] = ${x} is out of range: ${valid}`);
    }),
  );
}

/**
 * Reads and validates the input JSON; token ids are checked against the vocabulary size and, for a
 * decoder-only model (`maxPositions`), lengths and position ids against its positions.
 */
export function readInputFile(file: string, vocabSize: number, maxPositions?: number): InputFile {
  const raw = readJsonFile<Record<string, unknown>>(file, 'input file');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${file}: expected a JSON object with "input_ids"`);
  const known = ['input_ids', 'attention_mask', 'position_ids', 'decoder_input_ids'];
  const extra = Object.keys(raw).filter((k) => !known.includes(k));
  if (extra.length) throw new UserError(`${file}: unknown field(s) ${showKeys(extra)}; valid: ${known.join(', ')}`);
  if (raw.input_ids === undefined || raw.input_ids === null) throw new UserError(`${file}: missing "input_ids"`);
  const ids = matrix(raw.input_ids, 'input_ids', file);
  const B = ids.length,
    T = ids[0]!.length;
  const checkVocab = (m: number[][], name: string) =>
    m.forEach((r, i) =>
      r.forEach((x, j) => {
        if (x < 0 || x >= vocabSize) throw new UserError(`${file}: ${name}[${i}][${j}] = ${x} is out of range: the vocabulary has ids 0..${vocabSize - 1}`);
      }),
    );
  checkVocab(ids, 'input_ids');
  const out: InputFile = { input_ids: ids };
  if (raw.attention_mask !== undefined && raw.attention_mask !== null) {
    out.attention_mask = matrix(raw.attention_mask, 'attention_mask', file, B, T);
    out.attention_mask.forEach((r, i) =>
      r.forEach((x, j) => {
        if (x !== 0 && x !== 1) throw new UserError(`${file}: attention_mask[${i}][${j}] = ${x}; must be 0 or 1`);
      }),
    );
  }
  if (raw.position_ids !== undefined && raw.position_ids !== null) out.position_ids = matrix(raw.position_ids, 'position_ids', file, B, T);
  checkPositions(file, T, out.position_ids, maxPositions);
  if (raw.decoder_input_ids !== undefined && raw.decoder_input_ids !== null) {
    out.decoder_input_ids = matrix(raw.decoder_input_ids, 'decoder_input_ids', file, B);
    checkVocab(out.decoder_input_ids, 'decoder_input_ids');
  }
  return out;
}
