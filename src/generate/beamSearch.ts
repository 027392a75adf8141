import { banRepeatedNgrams, forbidEosBefore, logSoftmax, penalizeRepetitions } from './logitsProcessors.ts';
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
    const len = this.earlyStopping === 'never' && this.lengthPenalty > 0 ? this.maxLength - promptLen : curLen - promptLen;
    return this.worstScore >= bestSumLogprobs / len ** this.lengthPenalty;
  }
}

/** What stays fixed during one beam search: its options resolved, and the shapes. */
interface BeamSettings {
  /** num_beams. */
  nb: number;
  /** num_return_sequences. */
  keep: number;
  eos: number[];
  pad: number;
  /** Vocabulary size. */
  V: number;
  /** Number of prompts. */
  batch: number;
  promptLen: number;
  maxLength: number;
  /** Candidates kept per prompt and step: enough for num_beams after the EOS candidates. */
  nCand: number;
}

/** The state one step of the search reads and replaces. */
interface BeamState {
  /** Finished hypotheses per prompt. */
  hyps: BeamHypotheses[];
  /** Prompts whose search is over. */
  done: boolean[];
  /** The live rows' tokens, num_beams rows per prompt. */
  seqs: number[][];
  /** Each live row's summed log-probability. */
  beamScores: number[];
}

/**
 * Beam search as transformers 4.39 (_beam_search + BeamSearchScorer): log-softmax scores, processors,
 * top 2·num_beams candidates per prompt, EOS candidates close hypotheses (only if ranked within the
 * first num_beams), scores normalised by the number of generated tokens ** length_penalty.
 * `prefix` holds the expanded prompt rows (num_beams rows per prompt).
 */
export function beamSearch(stepper: Stepper, prefix: number[][], opts: GenerationOptions): GenerationResult {
  const settings = beamSettings(stepper, prefix, opts);
  const { nb, batch, maxLength } = settings;
  const state: BeamState = {
    hyps: Array.from({ length: batch }, () => new BeamHypotheses(nb, opts.lengthPenalty ?? 1, opts.earlyStopping ?? false, maxLength)),
    done: new Array<boolean>(batch).fill(false),
    seqs: prefix.map((r) => [...r]),
    // Only the first beam of each prompt is live at the start, so identical beams are not all chosen.
    beamScores: Array.from({ length: batch * nb }, (_, i) => (i % nb === 0 ? 0 : -1e9)),
  };
  let logits = stepper.prefill();
  for (;;) {
    const nextScores = processScores({ logits, state, settings, opts });
    const next = processCandidates({ nextScores, state, settings });
    state.beamScores = next.scores;
    const seqs = state.seqs;
    state.seqs = next.rows.map((row, i) => [...seqs[row]!, next.tokens[i]!]);
    if (state.done.every(Boolean) || state.seqs[0]!.length >= maxLength) return finalize(state, settings);
    stepper.reorder(next.rows);
    logits = stepper.step(Int32Array.from(next.tokens));
  }
}

function beamSettings(stepper: Stepper, prefix: number[][], opts: GenerationOptions): BeamSettings {
  const nb = opts.numBeams ?? 1;
  const eos = opts.eosTokenId === undefined ? [] : ([] as number[]).concat(opts.eosTokenId);
  const promptLen = prefix[0]!.length;
  return {
    nb,
    keep: opts.numReturnSequences ?? 1,
    eos,
    pad: opts.padTokenId ?? eos[0] ?? 0,
    V: stepper.vocabSize,
    batch: prefix.length / nb,
    promptLen,
    maxLength: promptLen + opts.maxNewTokens,
    nCand: Math.max(2, 1 + eos.length) * nb,
  };
}

/** Each row's next-token log-probabilities after the processors, plus the row's beam score (rows × V). */
function processScores(args: { logits: Float32Array; state: BeamState; settings: BeamSettings; opts: GenerationOptions }): Float32Array {
  const { logits, state, settings, opts } = args;
  const { nb, batch, V, promptLen, eos } = settings;
  const curLen = state.seqs[0]!.length;
  const nextScores = new Float32Array(batch * nb * V);
  for (let r = 0; r < batch * nb; r++) {
    const s = logSoftmax(logits.subarray(r * V, (r + 1) * V));
    // As transformers' beam search: the processors see log-probabilities, so the penalty multiplies them.
    if (opts.repetitionPenalty !== undefined) penalizeRepetitions(s, state.seqs[r]!, opts.repetitionPenalty);
    if (opts.noRepeatNgramSize) banRepeatedNgrams(s, state.seqs[r]!, opts.noRepeatNgramSize);
    if (opts.minNewTokens) forbidEosBefore(s, curLen - promptLen, opts.minNewTokens, eos);
    for (let v = 0; v < V; v++) nextScores[r * V + v] = Math.fround(s[v]! + state.beamScores[r]!);
  }
  return nextScores;
}

/** The next live rows: their scores, new tokens and the rows they extend (BeamSearchScorer.process). */
interface NextBeams {
  scores: number[];
  tokens: number[];
  rows: number[];
}

/**
 * BeamSearchScorer.process: per prompt, the top candidates either close a hypothesis (EOS) or become
 * one of the num_beams next rows; a finished prompt gets padding rows. Marks prompts done.
 */
function processCandidates(args: { nextScores: Float32Array; state: BeamState; settings: BeamSettings }): NextBeams {
  const { nextScores, state, settings } = args;
  const { nb, V, batch, pad } = settings;
  const next: NextBeams = { scores: [], tokens: [], rows: [] };
  for (let b = 0; b < batch; b++) {
    if (state.done[b]) {
      for (let j = 0; j < nb; j++) {
        next.scores.push(0);
        next.tokens.push(pad);
        next.rows.push(b * nb);
      }
      continue;
    }
    const cands = topK(nextScores.subarray(b * nb * V, (b + 1) * nb * V), settings.nCand);
    const bestCand = processPrompt({ b, cands, state, settings, next });
    state.done[b] = state.done[b]! || state.hyps[b]!.isDone(bestCand, state.seqs[0]!.length, settings.promptLen);
  }
  return next;
}

/** One prompt's share of processCandidates; returns the best candidate's score. */
function processPrompt(args: { b: number; cands: [number, number][]; state: BeamState; settings: BeamSettings; next: NextBeams }): number {
  const { b, cands, state, settings, next } = args;
  const { nb, V, eos, promptLen } = settings;
  const curLen = state.seqs[0]!.length;
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
      state.hyps[b]!.add([...state.seqs[row]!], score, curLen - promptLen);
    } else {
      next.scores.push(score);
      next.tokens.push(token);
      next.rows.push(row);
      filled++;
    }
    if (filled === nb) break;
  }
  return bestCand;
}

/** BeamSearchScorer.finalize: closes the unfinished prompts' beams, then pads the best `keep` per prompt. */
function finalize(state: BeamState, settings: BeamSettings): GenerationResult {
  const { hyps, done, seqs, beamScores } = state;
  const { nb, keep, promptLen, maxLength, pad, eos } = settings;
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
