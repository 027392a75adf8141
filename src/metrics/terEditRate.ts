/**
 * Translation edit rate between two word lists, as sacrebleu's `lib_ter` computes it (a near-exact
 * tercom re-implementation): greedy block shifts chosen by tercom's ranking, then a beam-limited
 * Levenshtein distance whose preference order (no-op/substitution, then deletion, then insertion)
 * decides the alignment and so which shifts are tried. Limits are tercom's (shift size 10, distance
 * 50, beam 25) plus sacrebleu's cap of 1000 shift candidates per sentence, which also matter.
 */

const MAX_SHIFT_SIZE = 10;
const MAX_SHIFT_DIST = 50;
const BEAM_WIDTH = 25;
const MAX_SHIFT_CANDIDATES = 1000;
const INFINITY = 1e16;

// Edit operations, as single characters in a trace.
const OP_INS = 'i';
const OP_DEL = 'd';
const OP_NOP = ' ';
const OP_SUB = 's';

/** Beam edit distance from a hypothesis (rows) to the reference (columns), with its trace. */
function beamEditDistance(hyp: readonly string[], ref: readonly string[]): { distance: number; trace: string } {
  const nh = hyp.length;
  const nr = ref.length;
  // The initial row: j insertions.
  const first = new Float64Array(nr + 1);
  const firstOps: string[] = [];
  for (let j = 0; j <= nr; j++) {
    first[j] = j;
    firstOps.push(OP_INS);
  }
  const cost: Float64Array[] = [first];
  const ops: string[][] = [firstOps];
  const lengthRatio = nh ? nr / nh : 1;
  // In very unbalanced pairs the beam must widen or rows would not overlap.
  const beamWidth = BEAM_WIDTH < lengthRatio / 2 ? Math.ceil(lengthRatio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
  for (let i = 1; i <= nh; i++) {
    const { row, rowOps } = levenshteinRow({ hyp, ref, i, prev: cost[i - 1]!, lengthRatio, beamWidth });
    cost.push(row);
    ops.push(rowOps);
  }
  return { distance: cost[nh]![nr]!, trace: backtrace(ops, nh, nr) };
}

/** Row `i` of the Levenshtein matrix, filled only within the beam around the pseudo-diagonal. */
function levenshteinRow(args: { hyp: readonly string[]; ref: readonly string[]; i: number; prev: Float64Array; lengthRatio: number; beamWidth: number }): {
  row: Float64Array;
  rowOps: string[];
} {
  const { hyp, ref, i, prev, lengthRatio, beamWidth } = args;
  const nr = ref.length;
  const row = new Float64Array(nr + 1).fill(INFINITY);
  const rowOps = new Array<string>(nr + 1).fill('x');
  const pseudoDiag = Math.floor(i * lengthRatio);
  const minJ = Math.max(0, pseudoDiag - beamWidth);
  const maxJ = i === hyp.length ? nr + 1 : Math.min(nr + 1, pseudoDiag + beamWidth);
  for (let j = minJ; j < maxJ; j++) {
    if (j === 0) {
      row[0] = prev[0]! + 1;
      rowOps[0] = OP_DEL;
      continue;
    }
    // Tried in tercom's preference order; a later option must be strictly cheaper to win.
    const same = hyp[i - 1] === ref[j - 1];
    const sub = prev[j - 1]! + (same ? 0 : 1);
    if (row[j]! > sub) {
      row[j] = sub;
      rowOps[j] = same ? OP_NOP : OP_SUB;
    }
    const del = prev[j]! + 1;
    if (row[j]! > del) {
      row[j] = del;
      rowOps[j] = OP_DEL;
    }
    const ins = row[j - 1]! + 1;
    if (row[j]! > ins) {
      row[j] = ins;
      rowOps[j] = OP_INS;
    }
  }
  return { row, rowOps };
}

/** The trace of operations from cell (0, 0) to (nh, nr), read back from the chosen operations. */
function backtrace(ops: readonly string[][], nh: number, nr: number): string {
  let trace = '';
  let i = nh;
  let j = nr;
  while (i > 0 || j > 0) {
    const op = ops[i]![j]!;
    trace = op + trace;
    if (op === OP_SUB || op === OP_NOP) {
      i--;
      j--;
    } else if (op === OP_INS) j--;
    else if (op === OP_DEL) i--;
    else throw new Error(`TER: unreachable cell (${i}, ${j}) in the edit-distance beam`);
  }
  return trace;
}

/** A memo of edit distances by hypothesis word sequence (shifts revisit the same candidates). */
class CachedEditDistance {
  private readonly memo = new Map<string, { distance: number; trace: string }>();
  constructor(private readonly ref: readonly string[]) {}
  get(hyp: readonly string[]): { distance: number; trace: string } {
    const key = JSON.stringify(hyp);
    let r = this.memo.get(key);
    if (!r) {
      r = beamEditDistance(hyp, this.ref);
      this.memo.set(key, r);
    }
    return r;
  }
}

/** Alignment from a reference→hypothesis trace, and the error flags of each side. */
function traceToAlignment(trace: string): { align: Map<number, number>; refErr: number[]; hypErr: number[] } {
  let posHyp = -1;
  let posRef = -1;
  const hypErr: number[] = [];
  const refErr: number[] = [];
  const align = new Map<number, number>();
  for (const op of trace) {
    if (op === OP_NOP || op === OP_SUB) {
      posHyp++;
      posRef++;
      align.set(posRef, posHyp);
      const e = op === OP_SUB ? 1 : 0;
      hypErr.push(e);
      refErr.push(e);
    } else if (op === OP_INS) {
      posHyp++;
      hypErr.push(1);
    } else if (op === OP_DEL) {
      posRef++;
      align.set(posRef, posHyp);
      refErr.push(1);
    } else throw new Error(`TER: unknown operation '${op}'`);
  }
  return { align, refErr, hypErr };
}

function performShift(words: readonly string[], start: number, length: number, target: number): string[] {
  if (target < start) return [...words.slice(0, target), ...words.slice(start, start + length), ...words.slice(target, start), ...words.slice(start + length)];
  if (target > start + length)
    return [...words.slice(0, start), ...words.slice(start + length, target), ...words.slice(start, start + length), ...words.slice(target)];
  return [...words.slice(0, start), ...words.slice(start + length, length + target), ...words.slice(start, start + length), ...words.slice(length + target)];
}

/** Matching word runs (start in hypothesis, start in reference, length), in tercom's order. */
function* shiftedPairs(h: readonly string[], r: readonly string[]): Generator<[number, number, number]> {
  for (let sh = 0; sh < h.length; sh++)
    for (let sr = 0; sr < r.length; sr++) {
      if (Math.abs(sr - sh) > MAX_SHIFT_DIST) continue;
      let length = 0;
      while (h[sh + length] === r[sr + length] && length < MAX_SHIFT_SIZE) {
        length++;
        yield [sh, sr, length];
        if (h.length === sh + length || r.length === sr + length) break;
      }
    }
}

function sumRange(a: readonly number[], start: number, length: number): number {
  let s = 0;
  for (let i = start; i < start + length && i < a.length; i++) s += a[i]!;
  return s;
}

/** One round of `_shift`: the best shift (gain, words) and the updated candidate count. */
function bestShift(
  words: readonly string[],
  ref: readonly string[],
  ed: CachedEditDistance,
  checked: number,
): { gain: number; words: readonly string[]; checked: number } {
  const { distance: preScore, trace: invTrace } = ed.get(words);
  // Pretend the reference is rewritten into the hypothesis: flip insertions and deletions.
  const trace = invTrace.replace(/[id]/g, (c) => (c === OP_INS ? OP_DEL : OP_INS));
  const { align, refErr, hypErr } = traceToAlignment(trace);
  // tercom's ranking: larger gain, then longer run, then earlier start, then earlier target.
  let best: { gain: number; length: number; negStart: number; negIdx: number; words: string[] } | undefined;
  for (const [startH, startR, length] of shiftedPairs(words, ref)) {
    if (sumRange(hypErr, startH, length) === 0) continue;
    if (sumRange(refErr, startR, length) === 0) continue;
    const a = align.get(startR);
    if (a !== undefined && startH <= a && a < startH + length) continue;
    let prevIdx = -1;
    for (let offset = -1; offset < length; offset++) {
      let idx: number;
      if (startR + offset === -1) idx = 0;
      else if (align.has(startR + offset)) idx = align.get(startR + offset)! + 1;
      else break;
      if (idx === prevIdx) continue;
      prevIdx = idx;
      const shifted = performShift(words, startH, length, idx);
      const cand = { gain: preScore - ed.get(shifted).distance, length, negStart: -startH, negIdx: -idx, words: shifted };
      checked++;
      if (
        !best ||
        cand.gain > best.gain ||
        (cand.gain === best.gain &&
          (cand.length > best.length ||
            (cand.length === best.length && (cand.negStart > best.negStart || (cand.negStart === best.negStart && cand.negIdx > best.negIdx)))))
      )
        best = cand;
    }
    if (checked >= MAX_SHIFT_CANDIDATES) break;
  }
  return best ? { gain: best.gain, words: best.words, checked } : { gain: 0, words, checked };
}

/** `translation_edit_rate(hyp_words, ref_words)`: (number of edits, reference length). */
export function translationEditRate(hyp: readonly string[], ref: readonly string[]): { edits: number; refLength: number } {
  if (ref.length === 0) return { edits: hyp.length, refLength: 0 };
  const ed = new CachedEditDistance(ref);
  let shifts = 0;
  let words = hyp;
  let checked = 0;
  for (;;) {
    const r = bestShift(words, ref, ed, checked);
    checked = r.checked;
    if (checked >= MAX_SHIFT_CANDIDATES) break;
    if (r.gain <= 0) break;
    shifts++;
    words = r.words;
  }
  return { edits: shifts + ed.get(words).distance, refLength: ref.length };
}
