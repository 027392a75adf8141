import { UserError } from '../../util/errors.ts';
import type { Example } from '../types.ts';
import { emptyStats, IGNORE_INDEX, type EncodeStats, type TargetOverflow, type TokenEncoder } from './tokenEncoder.ts';

/** The decoder-only prompt format; `{source}` and `{target}` are the only placeholders. */
export const DEFAULT_CAUSAL_TEMPLATE = '<|startoftext|>{source}<sep>{target}<|endoftext|>';

type Segment = { kind: 'literal'; text: string } | { kind: 'source' } | { kind: 'target' };

export interface CausalTemplate {
  template: string;
  /** Literal pieces before {target} (the prompt) and from {target} on (the completion). */
  prompt: Segment[];
  completion: Segment[];
  /** `<...>`-style tokens in the template, to be added to the tokenizer as special tokens. */
  specialTokens: string[];
}

const SPECIAL = /<\|?\/?[A-Za-z0-9_:.-]+\|?>/g;

/** The `<|...|>` / `<...>` markers in a template, in order of first appearance. */
export function templateSpecialTokens(template: string): string[] {
  return [...new Set(template.match(SPECIAL) ?? [])];
}

/** Parses and checks a template: exactly one {source}, then exactly one {target}. */
export function parseCausalTemplate(template: string = DEFAULT_CAUSAL_TEMPLATE): CausalTemplate {
  const count = (p: string) => template.split(p).length - 1;
  const si = template.indexOf('{source}');
  const ti = template.indexOf('{target}');
  if (count('{source}') !== 1 || count('{target}') !== 1 || si > ti)
    throw new UserError(`template '${template}': needs exactly one {source} followed later by exactly one {target}`);
  const segments = (text: string): Segment[] => {
    const out: Segment[] = [];
    for (const part of text.split(/(\{source\}|\{target\})/)) {
      if (part === '{source}') out.push({ kind: 'source' });
      else if (part === '{target}') out.push({ kind: 'target' });
      else if (part !== '') out.push({ kind: 'literal', text: part });
    }
    return out;
  };
  return {
    template,
    prompt: segments(template.slice(0, ti)),
    completion: segments(template.slice(ti)),
    specialTokens: templateSpecialTokens(template),
  };
}

function fill(segments: Segment[], ex: { source: string; target?: string }): string {
  return segments.map((s) => (s.kind === 'literal' ? s.text : s.kind === 'source' ? ex.source : (ex.target ?? ''))).join('');
}

/** Text-level formatting: the prompt a model is given and the completion it should write. */
export function formatCausalText(ex: Pick<Example, 'source' | 'target'>, template: string = DEFAULT_CAUSAL_TEMPLATE) {
  const t = parseCausalTemplate(template);
  const prompt = fill(t.prompt, ex);
  const completion = fill(t.completion, ex);
  return { prompt, completion, text: prompt + completion };
}

export interface CausalFeatures {
  input_ids: number[];
  /** input_ids with the prompt positions set to -100 (Hugging Face convention: the model shifts internally). */
  labels: number[];
}

export interface CausalEncodeOptions {
  template?: string;
  /** Total token budget (prompt + completion). */
  maxLength: number;
  /** When the completion alone leaves no room for the source (default 'drop'). */
  targetOverflow?: TargetOverflow;
}

/**
 * Encodes each template piece separately (literals, source, target) so the source can be cut
 * at token level without re-tokenizing, and so generation-time prompts (encodeCausalPrompt)
 * produce exactly the training prompt ids. Truncation shortens the source only; the target
 * is kept whole, or, if it cannot fit at all, the example is dropped or its target trimmed
 * (without the end marker, so the model does not learn to stop early) — either way counted.
 */
export function encodeCausal(
  examples: readonly Pick<Example, 'source' | 'target'>[],
  tokenizer: TokenEncoder,
  opts: CausalEncodeOptions,
): { features: CausalFeatures[]; stats: EncodeStats } {
  const t = parseCausalTemplate(opts.template);
  const enc = pieceEncoder(tokenizer);
  const fixedLength = (segments: Segment[]) => segments.reduce((n, s) => n + (s.kind === 'literal' ? enc(s, [], []).length : 0), 0);
  const budget: Budget = {
    maxLength: opts.maxLength,
    promptFixed: fixedLength(t.prompt),
    completionFixed: fixedLength(t.completion),
    targetOverflow: opts.targetOverflow ?? 'drop',
  };
  const stats = emptyStats();
  const features: CausalFeatures[] = [];
  for (const ex of examples) {
    stats.examples++;
    const src = tokenizer.encode(ex.source);
    const tgt = tokenizer.encode(ex.target);
    const fit = fitToBudget({ src, tgt, budget, stats });
    if (fit === undefined) continue;
    features.push(assembleFeatures({ template: t, fit, enc, maxLength: opts.maxLength }));
    stats.encoded++;
  }
  return { features, stats };
}

/** A template piece's ids: the given source or target ids, or the literal's (each literal encoded once). */
type PieceEncoder = (s: Segment, sourceIds: number[], targetIds: number[]) => number[];

function pieceEncoder(tokenizer: TokenEncoder): PieceEncoder {
  const lit = new Map<string, number[]>();
  return (s, sourceIds, targetIds) => {
    if (s.kind === 'source') return sourceIds;
    if (s.kind === 'target') return targetIds;
    let ids = lit.get(s.text);
    if (!ids) lit.set(s.text, (ids = tokenizer.encode(s.text)));
    return ids;
  };
}

/** The token budget and the template's fixed (literal) lengths before and from {target}. */
interface Budget {
  maxLength: number;
  promptFixed: number;
  completionFixed: number;
  targetOverflow: TargetOverflow;
}

/** The source and target ids cut to the budget; `dropEnd` when the target was trimmed. */
interface Fit {
  source: number[];
  target: number[];
  dropEnd: boolean;
}

/** Cuts the source (or, when the target alone overflows, drops or trims as `targetOverflow` says), counting in `stats`. */
function fitToBudget(args: { src: number[]; tgt: number[]; budget: Budget; stats: EncodeStats }): Fit | undefined {
  const { src, tgt, budget, stats } = args;
  const room = budget.maxLength - budget.promptFixed - budget.completionFixed - tgt.length; // tokens left for the source
  if (room >= Math.min(1, src.length)) {
    if (src.length <= room) return { source: src, target: tgt, dropEnd: false };
    stats.sourceTruncated++;
    return { source: src.slice(0, room), target: tgt, dropEnd: false };
  }
  if (budget.targetOverflow === 'drop') {
    stats.dropped++;
    return undefined;
  }
  // Trim the target: keep up to half the free budget for the source, the rest for the target.
  const free = budget.maxLength - budget.promptFixed;
  const keepSource = Math.min(src.length, Math.floor(free / 2));
  if (free - keepSource < 1) {
    stats.dropped++;
    return undefined;
  }
  if (keepSource < src.length) stats.sourceTruncated++;
  stats.targetTruncated++;
  return { source: src.slice(0, keepSource), target: tgt.slice(0, free - keepSource), dropEnd: true };
}

/** The example's input ids and labels: the prompt pieces (labels ignored), then the completion pieces. */
function assembleFeatures(args: { template: CausalTemplate; fit: Fit; enc: PieceEncoder; maxLength: number }): CausalFeatures {
  const { template: t, fit, enc, maxLength } = args;
  const { source, target } = fit;
  const promptIds = t.prompt.flatMap((s) => enc(s, source, target));
  let completionIds: number[];
  if (fit.dropEnd) {
    // Only the pieces up to and including {target}: the end marker would teach a premature stop.
    const upTo = t.completion.findIndex((s) => s.kind === 'target');
    completionIds = t.completion.slice(0, upTo + 1).flatMap((s) => enc(s, source, target));
    completionIds = completionIds.slice(0, maxLength - promptIds.length);
  } else completionIds = t.completion.flatMap((s) => enc(s, source, target));
  return {
    input_ids: [...promptIds, ...completionIds],
    labels: [...promptIds.map(() => IGNORE_INDEX), ...completionIds],
  };
}

/**
 * The prompt ids for generation, built exactly as in training (same pieces, same order), with
 * the source cut to fit `maxPromptLength` tokens.
 */
export function encodeCausalPrompt(source: string, tokenizer: TokenEncoder, opts: { template?: string; maxPromptLength?: number } = {}): number[] {
  const t = parseCausalTemplate(opts.template);
  const literal = (s: Segment) => (s.kind === 'literal' ? tokenizer.encode(s.text) : []);
  let src = tokenizer.encode(source);
  if (opts.maxPromptLength !== undefined) {
    const fixed = t.prompt.reduce((n, s) => n + literal(s).length, 0);
    src = src.slice(0, Math.max(0, opts.maxPromptLength - fixed));
  }
  return t.prompt.flatMap((s) => (s.kind === 'source' ? src : literal(s)));
}
