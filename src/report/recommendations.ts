/**
 * Recommendations derived from the numbers by fixed rules, each sentence citing the figures it rests
 * on. Per (task, model) block, over the runs that trained (the untuned base is the floor):
 *
 * 1. Best quality: the highest main-metric score; whether its 95% interval separates from the
 *    runner-up's.
 * 2. Best under a memory budget: the budget is the median peak training memory over the block's runs
 *    (what a typical method needs here: activations kept for the backward pass dominate at this
 *    scale, so "half of full fine-tuning" would exclude every method); the best score within it.
 * 3. Best quality per trainable parameter: among runs that beat the untuned base significantly, the
 *    largest main-metric gain over the base per million trainable parameters.
 * 4. When full fine-tuning is worth it: full fine-tuning against the best adapter with the paired
 *    test of the block comparison — worth it when it is significantly better (p < 0.05 or separated
 *    intervals), with what it costs in trainable parameters, memory and time.
 *
 * A block where no adapter beats the untuned base significantly says so first: then the base model is
 * too weak for those methods at this budget, and the other rules rank noise.
 *
 * Runs whose outputs collapsed (5% or more degenerate outputs: empty, or one word over half of the
 * words) are named in a caveat and take no part in any rule: a collapsed run is a failure, and
 * ranking it would crown an adapter that does not do the task.
 */
import type { Block, Row } from './model.ts';
import { fmtCi, fmtInt, fmtNum, fmtP, fmtPct } from './format.ts';

export interface Recommendation {
  block: string;
  rule: string;
  text: string;
}

/** "p = 0.004" or "p < 0.001". */
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${fmtP(p)}`);

const better = (s: { delta: number; p_value: number; ci_separated: boolean } | null) => !!s && s.delta > 0 && (s.ci_separated || s.p_value < 0.05);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Share of degenerate outputs from which a run counts as collapsed. */
export const COLLAPSED_RATE = 0.05;

const collapsed = (r: Row) => r.degeneration !== null && r.degeneration.degenerate_rate >= COLLAPSED_RATE;

export function recommendations(blocks: Block[]): Recommendation[] {
  const out: Recommendation[] = [];
  for (const b of blocks) {
    const trained = b.rows.filter((r) => !r.is_base);
    const base = b.rows.find((r) => r.is_base);
    if (!trained.length) continue;
    const m = b.main_label;
    const add = (rule: string, text: string) => out.push({ block: b.title, rule, text });
    const broken = trained.filter(collapsed);
    if (broken.length)
      add(
        'collapsed runs',
        `${broken.length} of ${trained.length} runs collapsed and are left out of every recommendation: ` +
          broken.map((r) => `${r.label} (${fmtPct(100 * r.degeneration!.degenerate_rate)} degenerate outputs, ${r.degeneration!.distinct_outputs} distinct of ${r.degeneration!.outputs})`).join('; ') +
          '.',
      );
    const runs = trained.filter((r) => !collapsed(r));
    if (!runs.length) continue;
    const winners = runs.filter((r) => better(r.vs_base));
    if (base && !winners.length)
      add(
        'caveat',
        `No method beats the untuned base significantly (base ${m} ${fmtCi(base.main)}; best ${runs.reduce((a, r) => (r.main.score > a.main.score ? r : a)).label} ${fmtCi(runs.reduce((a, r) => (r.main.score > a.main.score ? r : a)).main)}): at this budget the base model is too weak for these methods, and the rankings below are within noise.`,
      );

    // 1. Best quality.
    const ranked = [...runs].sort((x, y) => y.main.score - x.main.score);
    const top = ranked[0]!;
    const second = ranked[1];
    const separated = second ? top.main.low > second.main.high : false;
    add(
      'best quality',
      `${top.label}: ${m} ${fmtCi(top.main)}` +
        (base ? ` (untuned base ${fmtNum(base.main.score)})` : '') +
        (second ? `; the runner-up ${second.label} scores ${fmtCi(second.main)} — the intervals ${separated ? 'do not overlap' : 'overlap, so the two are not distinguishable here'}.` : '.'),
    );

    // 2. Best under a memory budget.
    const mems = runs.map((r) => r.mem_train).filter((x): x is number => x !== null);
    if (mems.length) {
      const budget = median(mems);
      const within = runs.filter((r) => r.mem_train !== null && r.mem_train <= budget).sort((x, y) => y.main.score - x.main.score);
      const fullRun = runs.find((r) => r.method === 'full');
      const fullNote = fullRun?.mem_train ? `; full fine-tuning peaks at ${fmtNum(fullRun.mem_train, 1)} MB` : '';
      add(
        'memory budget',
        `Within the median peak training memory of the runs, ${fmtNum(budget, 1)} MB${fullNote}: ${within[0]!.label}, ${m} ${fmtCi(within[0]!.main)} at ${fmtNum(within[0]!.mem_train!, 1)} MB.`,
      );
    }

    // 3. Quality per trainable parameter.
    if (base && winners.length) {
      const eff = (r: Row) => (r.main.score - base.main.score) / (r.trainable / 1e6);
      const bestEff = [...winners].sort((x, y) => eff(y) - eff(x))[0]!;
      add(
        'quality per parameter',
        `${bestEff.label}: +${fmtNum(bestEff.main.score - base.main.score)} ${m} over the untuned base with ${fmtInt(bestEff.trainable)} trainable parameters (${fmtPct(bestEff.percent)}), ${fmtNum(eff(bestEff), 1)} ${m} per million trainable parameters; it beats the base with ${pText(bestEff.vs_base!.p_value)}.`,
      );
    }

    // 4. When full fine-tuning is worth it.
    const full = runs.find((r) => r.method === 'full');
    const adapters = runs.filter((r) => r.method !== 'full').sort((x, y) => y.main.score - x.main.score);
    if (full && adapters.length) {
      const a = adapters[0]!;
      const s = a.vs_full;
      const ratio = (x: number | null, y: number | null) => (x && y ? `${fmtNum(x / y, 1)}×` : 'n/a');
      const costs = `${ratio(full.trainable, a.trainable)} the trainable parameters, ${ratio(full.mem_train, a.mem_train)} the training memory, ${ratio(full.s_epoch, a.s_epoch)} the time per epoch`;
      if (s && s.delta < 0 && (s.ci_separated || s.p_value < 0.05))
        add('full fine-tuning', `Worth it here: full fine-tuning (${fmtCi(full.main)}) beats the best adapter ${a.label} (${fmtCi(a.main)}) by ${fmtNum(-s.delta)} ${m}, paired ${pText(s.p_value)}, for ${costs}.`);
      else if (s)
        add(
          'full fine-tuning',
          `Not worth it here: the best adapter ${a.label} (${fmtCi(a.main)}) is ${s.delta >= 0 ? 'at least as good as' : 'not significantly worse than'} full fine-tuning (${fmtCi(full.main)}; paired ${pText(s.p_value)}), which would cost ${costs}.`,
        );
      else add('full fine-tuning', `Full fine-tuning ${fmtCi(full.main)} vs the best adapter ${a.label} ${fmtCi(a.main)} (no paired test in this run).`);
    }
  }
  return out;
}
