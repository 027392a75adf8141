/**
 * What the programs that only read results (the report and its reporter) know of a PEFT method:
 * enough to name, compare and describe its runs, and nothing that needs the tensor engine, so that
 * `peft-lab report` starts without it. Each plugin declares its own in a module that loads no tensors
 * (plugins/<method>/info.ts); the plugin carries the same fields (PeftPlugin extends MethodInfo).
 */
import { UserError } from '../util/errors.ts';

export interface MethodInfo {
  /** Registry name used in experiment files and results (`lora`, `ia3`, …). */
  readonly name: string;
  /** The method family as the report names it (chart legends): `LoRA`, `IA³`, … */
  readonly title: string;
  /**
   * True for full fine-tuning: every base parameter trains, and its runs are the baseline the report
   * and the recommendations compare every other method against. One registered method at most.
   */
  readonly isBaseline: boolean;
  /**
   * True for the prompt-learning methods (peft's `is_prompt_learning`): every base weight stays as it
   * is and the method only puts trained virtual tokens (or per-layer key/value prefixes) before the
   * input, so it can draw out only what the frozen base already does.
   */
  readonly isPromptLearning: boolean;
  /**
   * One line of method-specific facts for the report (AdaLoRA's final ranks, QLoRA's NF4 bytes), from
   * what the adapter's summary() saved with the run; null when the summary holds nothing for it.
   */
  summaryFacts?(summary: Readonly<Record<string, unknown>>): string | null;
}

const infos = new Map<string, MethodInfo>();

export function registerMethodInfo(info: MethodInfo): void {
  infos.set(info.name, info);
}

/** The method's info; undefined for a name no registered method has (the untuned base, a method since removed). */
export function methodInfo(name: string): MethodInfo | undefined {
  return infos.get(name);
}

/** The registered method that trains every base parameter (full fine-tuning). */
export function baselineMethod(): MethodInfo {
  const baseline = [...infos.values()].find((i) => i.isBaseline);
  if (!baseline) throw new UserError(`no registered PEFT method trains every base parameter; registered: ${[...infos.keys()].join(', ') || 'none'}`);
  return baseline;
}
