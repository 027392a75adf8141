/**
 * AdaLoRA's RankAllocator (Zhang et al. 2023, peft 0.10 semantics), on plain float32 arrays: the
 * parameters are small and every step reads them once, so the bookkeeping stays out of the tensor
 * engine and is exactly reproducible.
 *
 *  - importance of every entry of A, E, B: I = |p · ∇p|; sensitivity Ī ← β1·Ī + (1−β1)·I and
 *    uncertainty Ū ← β2·Ū + (1−β2)·|I − Ī| (with the new Ī); entry score s = Ī·Ū;
 *  - triplet score of rank i of a module = s(E_i) + (mean_j s(A_ij) + mean_k s(B_ki));
 *  - budget: init_bgt (Σ initial ranks) until tinit, then the cubic decay
 *    ⌊(init_bgt − target_bgt)·(1 − (t − tinit)/(T − tfinal − tinit))³ + target_bgt⌋, target_bgt
 *    (target_r · modules) after T − tfinal; masking every deltaT steps;
 *  - masking: threshold = the (init_bgt − budget)-th smallest triplet score (torch.kthvalue); every
 *    triplet with score ≤ threshold gets E_i = 0.
 * All arithmetic is float32 as in PyTorch (Python scalars become float32 operands).
 */

const f = Math.fround;

/** One AdaLoRA module as the allocator sees it. */
export interface AllocatorModule {
  /** Module path, e.g. `transformer.h.0.attn.c_attn`. */
  path: string;
  /** Current rank (rows of A). */
  r: number;
  inFeatures: number;
  outFeatures: number;
}

export interface ScheduleConfig {
  target_r: number;
  tinit: number;
  tfinal: number;
  deltaT: number;
  beta1: number;
  beta2: number;
}

/** Values and gradients of one parameter (A [r,in], E [r,1] or B [out,r], row-major). */
export interface ParamState {
  value: Float32Array;
  grad: Float32Array | undefined;
}

interface Ema {
  ipt: Float32Array;
  avgIpt: Float32Array;
  avgUnc: Float32Array;
}

export type RankPattern = Record<string, boolean[]>;

/** The running averages of one parameter, what later steps read (peft's exp_avg_ipt, exp_avg_unc). */
export interface ImportanceAverages {
  avgIpt: Float32Array;
  avgUnc: Float32Array;
}

export class RankAllocator {
  readonly initBudget: number;
  readonly targetBudget: number;
  private ema = new Map<string, Ema>();

  constructor(
    readonly config: ScheduleConfig,
    readonly modules: readonly AllocatorModule[],
  ) {
    this.initBudget = modules.reduce((s, m) => s + m.r, 0);
    this.targetBudget = config.target_r * modules.length;
  }

  resetImportance(): void {
    this.ema.clear();
  }

  /**
   * Copies of the running averages by parameter name, for a checkpoint. The last step's raw
   * importance is left out: every update overwrites it before reading it.
   */
  importanceAverages(): Map<string, ImportanceAverages> {
    return new Map([...this.ema].map(([name, e]) => [name, { avgIpt: e.avgIpt.slice(), avgUnc: e.avgUnc.slice() }]));
  }

  /** Replaces the running averages with checkpointed ones (copied), so the next update continues them. */
  loadImportanceAverages(averages: ReadonlyMap<string, ImportanceAverages>): void {
    this.ema.clear();
    for (const [name, { avgIpt, avgUnc }] of averages) {
      if (avgIpt.length !== avgUnc.length)
        throw new Error(`AdaLoRA: '${name}' has ${avgIpt.length} importance averages but ${avgUnc.length} uncertainty averages`);
      this.ema.set(name, { ipt: new Float32Array(avgIpt.length), avgIpt: avgIpt.slice(), avgUnc: avgUnc.slice() });
    }
  }

  /** peft's budget_schedule(step) → [budget, mask_ind]. */
  budgetSchedule(step: number, totalStep: number): [number, boolean] {
    const { tinit, tfinal, deltaT } = this.config;
    if (step <= tinit) return [this.initBudget, false];
    if (step > totalStep - tfinal) return [this.targetBudget, true];
    const mul = 1 - (step - tinit) / (totalStep - tfinal - tinit);
    const budget = Math.trunc((this.initBudget - this.targetBudget) * mul ** 3 + this.targetBudget);
    return [budget, step % deltaT === 0];
  }

  /** update_ipt: one EMA step for every A, E, B entry (`<path>.lora_A` … → value and gradient). */
  updateImportance(params: ReadonlyMap<string, ParamState>): void {
    const b1 = f(this.config.beta1);
    const c1 = f(1 - this.config.beta1);
    const b2 = f(this.config.beta2);
    const c2 = f(1 - this.config.beta2);
    for (const [name, { value, grad }] of params) {
      let e = this.ema.get(name);
      if (!e || e.ipt.length !== value.length) {
        e = { ipt: new Float32Array(value.length), avgIpt: new Float32Array(value.length), avgUnc: new Float32Array(value.length) };
        this.ema.set(name, e);
      }
      for (let i = 0; i < value.length; i++) {
        // A parameter that got no gradient (not on the loss path) has zero importance this step.
        const ipt = grad ? Math.abs(f(value[i]! * grad[i]!)) : 0;
        e.ipt[i] = ipt;
        const avg = f(f(b1 * e.avgIpt[i]!) + f(c1 * ipt));
        e.avgIpt[i] = avg;
        e.avgUnc[i] = f(f(b2 * e.avgUnc[i]!) + f(c2 * Math.abs(f(ipt - avg))));
      }
    }
  }

  /** Score of every rank of every module (the triplet scores), in module order. */
  tripletScores(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const m of this.modules) {
      const A = this.score(`${m.path}.lora_A`);
      const E = this.score(`${m.path}.lora_E`);
      const B = this.score(`${m.path}.lora_B`);
      const s = new Float32Array(m.r);
      for (let i = 0; i < m.r; i++) {
        let a = 0;
        for (let j = 0; j < m.inFeatures; j++) a += A[i * m.inFeatures + j]!;
        let b = 0;
        for (let k = 0; k < m.outFeatures; k++) b += B[k * m.r + i]!;
        const meanA = f(f(a) / m.inFeatures);
        const meanB = f(f(b) / m.outFeatures);
        s[i] = f(E[i]! + f(meanA + meanB));
      }
      out.set(m.path, s);
    }
    return out;
  }

  private score(name: string): Float32Array {
    const e = this.ema.get(name);
    if (!e) throw new Error(`AdaLoRA: no importance recorded for '${name}' (update_and_allocate was not called with its gradient)`);
    const s = new Float32Array(e.avgIpt.length);
    for (let i = 0; i < s.length; i++) s[i] = f(e.avgIpt[i]! * e.avgUnc[i]!);
    return s;
  }

  /**
   * mask_to_budget: the rank pattern keeping the `budget` most important triplets (ties at the
   * threshold are all pruned, as torch's `<=`). Keys are `<path>.lora_E`.
   */
  maskToBudget(budget: number): RankPattern {
    const scores = this.tripletScores();
    const all = Float32Array.from([...scores.values()].flatMap((s) => [...s])).sort();
    const k = this.initBudget - budget;
    // torch.kthvalue rejects k = 0 (nothing to prune, e.g. target_r = init_r); keep everything then.
    const threshold = k >= 1 ? all[Math.min(k, all.length) - 1]! : -Infinity;
    const pattern: RankPattern = {};
    for (const [path, s] of scores) pattern[`${path}.lora_E`] = Array.from(s, (v) => !(v <= threshold));
    return pattern;
  }
}
