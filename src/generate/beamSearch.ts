import { banRepeatedNgrams, forbidEosBefore, logSoftmax } from './logitsProcessors.ts';
import type { GenerationOptions, GenerationResult } from './options.ts';
import type { Stepper } from './stepper.ts';

/** transformers' BeamHypotheses: the n best finished hypotheses of one prompt. */
class BeamHypotheses {
  beams: { score: number; tokens: number[] }[] = [];
  worstScore = 1e9;
  constructor(
    readonly numBeams: number,
    readonly lengthPenalty: number,
    readonly earlyStopping: boolean | 'never',
    readonly maxLength: number,
  ) {}

  add(tokens: number[], sumLogprobs: number, generatedLen: number): void {
    const score = sumLogprobs / generatedLen ** this.lengthPenalty;
    if (this.beams.length < this.numBeams || score > this.worstScore) {
      this.beams.push({ score, tokens });
      if (this.beams.length > this.numBeams) {
        const sorted = this.beams.map((b, i) => [b.score, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        this.beams.splice(sorted[0]![1], 1);
        this.worstScore = sorted[1]![0];
      } else {
        this.worstScore = Math.min(score, this.worstScore);
      }
    }
  }

  isDone(bestSumLogprobs: number, curLen: number, promptLen: number): boolean {
    if (this.beams.length < this.numBeams) return false;
    if (this.earlyStopping === true) return true;
    const len =
      this.earlyStopping === 'never' && this.lengthPenalty > 0 ? this.maxLength - promptLen : curLen - promptLen;
    return this.worstScore >= bestSumLogprobs / len ** this.lengthPenalty;
  }
}

/**
 * Beam search as transformers 4.39 (_beam_search + BeamSearchScorer): log-softmax scores, processors,
 * top 2·num_beams candidates per prompt, EOS candidates close hypotheses (only if ranked within the
 * first num_beams), scores normalised by the number of generated tokens ** length_penalty.
 * `prefix` holds the expanded prompt rows (num_beams rows per prompt).
 */
export function beamSearch(stepper: Stepper, prefix: number[][], opts: GenerationOptions): GenerationResult {
  const nb = opts.numBeams ?? 1;
  const keep = opts.numReturnSequences ?? 1;
  const lp = opts.lengthPenalty ?? 1;
  const eos = opts.eosTokenId === undefined ? [] : ([] as number[]).concat(opts.eosTokenId);
  const pad = opts.padTokenId ?? eos[0] ?? 0;
  const V = stepper.vocabSize;
  const batch = prefix.length / nb;
  const promptLen = prefix[0]!.length;
  const maxLength = promptLen + opts.maxNewTokens;
  const hyps = Array.from(
    { length: batch },
    () => new BeamHypotheses(nb, lp, opts.earlyStopping ?? false, maxLength),
  );
  const done = new Array<boolean>(batch).fill(false);
  let seqs = prefix.map((r) => [...r]);
  // Only the first beam of each prompt is live at the start, so identical beams are not all chosen.
  let beamScores: number[] = Array.from({ length: batch * nb }, (_, i) => (i % nb === 0 ? 0 : -1e9));
  const nCand = Math.max(2, 1 + eos.length) * nb;
  let logits = stepper.prefill();
  for (;;) {
    const curLen = seqs[0]!.length;
    const nextScores = new Float32Array(batch * nb * V);
    for (let r = 0; r < batch * nb; r++) {
      const s = logSoftmax(logits.subarray(r * V, (r + 1) * V));
      if (opts.noRepeatNgramSize) banRepeatedNgrams(s, seqs[r]!, opts.noRepeatNgramSize);
      if (opts.minNewTokens) forbidEosBefore(s, curLen - promptLen, opts.minNewTokens, eos);
      for (let v = 0; v < V; v++) nextScores[r * V + v] = Math.fround(s[v]! + beamScores[r]!);
    }
    const newScores: number[] = [];
    const newTokens: number[] = [];
    const newRows: number[] = [];
    for (let b = 0; b < batch; b++) {
      if (done[b]) {
        for (let j = 0; j < nb; j++) {
          newScores.push(0);
          newTokens.push(pad);
          newRows.push(b * nb);
        }
        continue;
      }
      const cands = topK(nextScores.subarray(b * nb * V, (b + 1) * nb * V), nCand);
      let filled = 0;
      let bestCand = -Infinity;
      for (let rank = 0; rank < cands.length; rank++) {
        const [flat, score] = cands[rank]!;
        if (rank === 0) bestCand = score;
        const beam = Math.floor(flat / V);
        const token = flat % V;
        const row = b * nb + beam;
        if (eos.includes(token)) {
          if (rank >= nb) continue;
          // transformers 4.39: the hypothesis is stored without the EOS token; its length counts
          // the tokens generated before it.
          hyps[b]!.add([...seqs[row]!], score, curLen - promptLen);
        } else {
          newScores.push(score);
          newTokens.push(token);
          newRows.push(row);
          filled++;
        }
        if (filled === nb) break;
      }
      done[b] = done[b]! || hyps[b]!.isDone(bestCand, curLen, promptLen);
    }
    beamScores = newScores;
    seqs = newRows.map((row, i) => [...seqs[row]!, newTokens[i]!]);
    if (done.every(Boolean) || seqs[0]!.length >= maxLength) {
      return finalize(hyps, done, seqs, beamScores, nb, keep, promptLen, maxLength, pad, eos);
    }
    stepper.reorder(newRows);
    logits = stepper.step(Int32Array.from(newTokens));
  }
}

function finalize(
  hyps: BeamHypotheses[],
  done: boolean[],
  seqs: number[][],
  beamScores: number[],
  nb: number,
  keep: number,
  promptLen: number,
  maxLength: number,
  pad: number,
  eos: number[],
): GenerationResult {
  hyps.forEach((h, b) => {
    if (done[b]) return;
    for (let j = 0; j < nb; j++) {
      const row = b * nb + j;
      h.add(seqs[row]!, beamScores[row]!, seqs[row]!.length - promptLen);
    }
  });
  const best: number[][] = [];
  const scores: number[] = [];
  for (const h of hyps) {
    // Python's stable sort ascending then pop(): among equal scores the last added wins.
    const sorted = h.beams.map((x, i) => ({ ...x, i })).sort((a, b) => a.score - b.score || a.i - b.i);
    for (let j = 0; j < keep; j++) {
      const x = sorted.pop()!;
      best.push(x.tokens);
      scores.push(x.score);
    }
  }
  let longest = 0; // a loop, not Math.max(...): batch × beams rows may exceed a call's argument list
  for (const s of best) longest = Math.max(longest, s.length);
  const maxLen = Math.min(longest + 1, maxLength);
  const sequences = best.map((s) => {
    const row = s.slice(0, maxLen);
    if (row.length < maxLen) row.push(eos[0] ?? pad);
    while (row.length < maxLen) row.push(pad);
    return row;
  });
  return { sequences, sequencesScores: scores };
}

/** The k largest entries (index, value), descending; ties by lower index first as torch.topk on CPU. */
function topK(a: Float32Array, k: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (out.length === k && v <= out[k - 1]![1]) continue;
    let pos = out.length;
    while (pos > 0 && out[pos - 1]![1] < v) pos--;
    out.splice(pos, 0, [i, v]);
    if (out.length > k) out.pop();
  }
  return out;
}
