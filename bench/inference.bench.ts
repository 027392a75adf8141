/**
 * Inference speed per PEFT method (tinybench through `vitest bench`): tokens generated per second on
 * the suites' base models, for batch 1 and batch 8, with and without the KV cache, and LoRA unmerged
 * (adapter math in every forward) against merged into the base weights; plus the throughput of the
 * evaluation metrics the experiments compute (every metric with its bootstrap interval).
 *
 * Every iteration generates exactly the number of tokens in the benchmark's name (min_new_tokens =
 * max_new_tokens, so no row stops early), which the report turns into tokens/s. Adapter weights are
 * their initial values: speed does not depend on them. Models come from the profile's base models
 * (PEFT_PROFILE, default smoke: the committed micro models, else small random-init ones).
 *
 *   npx vitest bench --run bench/inference.bench.ts --outputJson report-assets/bench.json
 */
import { bench, describe } from 'vitest';
import { initBackend } from '../src/engine/backend.ts';
import { generate } from '../src/generate/generate.ts';
import type { GenerationOptions } from '../src/generate/options.ts';
import { MODEL_FAMILIES, resolveBaseModel } from '../src/experiment/baseModels.ts';
import { experimentDataDir, loadCorpus, taskCorpus } from '../src/experiment/taskCorpus.ts';
import { scoreQuality } from '../src/experiment/evaluate.ts';
import { makeFormatting, promptIds } from '../src/experiment/savedFormatting.ts';
import { generateWithoutCache } from '../src/experiment/noCacheStepper.ts';
import { specialTokenIds } from '../src/experiment/predict.ts';
import { plainEncoder } from '../src/experiment/data.ts';
import { profileFromEnv } from '../src/experiment/profile.ts';
import { loadPretrained } from '../src/models/hf/loadPretrained.ts';
import type { LanguageModel } from '../src/models/registry.ts';
import { loadTokenizer } from '../src/models/tokenizers/index.ts';
import { getPeftModel } from '../src/peft/getPeftModel.ts';
import { listPlugins } from '../src/peft/plugin.ts';
import { registerAllPlugins } from '../plugins/index.ts';
import { layerAdapter } from '../src/peft/adapter.ts';
import type { InferenceBenchCase } from '../src/peft/benchCase.ts';
import { BENCH_OPTIONS } from './options.ts';

const NEW_TOKENS = 16;
const BATCHES = [1, 8] as const;

registerAllPlugins();
await initBackend();
const profile = profileFromEnv();
const dataDir = experimentDataDir();
const { splits } = await loadCorpus(taskCorpus('translation', dataDir), dataDir);
const sources = splits.test.slice(0, 8).map((e) => e.source);

/** One benchmark row: the untuned base, or a method's setting (its plugin's inferenceBenchCases). */
interface Variant {
  name: string;
  /** Undefined for the untuned base. */
  method?: { name: string; bench: InferenceBenchCase };
  withoutCache: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'untuned base', withoutCache: true },
  ...listPlugins().flatMap((p) =>
    (p.inferenceBenchCases ?? []).map((c) => ({ name: c.label, method: { name: p.name, bench: c }, withoutCache: c.withoutCache ?? false })),
  ),
];

/** The base model of `dir` with the variant's method attached (and merged, where it says so). */
function variantModel(dir: string, v: Variant): LanguageModel {
  const base = loadPretrained(dir);
  if (!v.method) return base;
  const peft = getPeftModel(base, v.method.name, { ...v.method.bench.peft_config }, { seed: 1 });
  if (v.method.bench.merge) layerAdapter(peft.adapter).merge();
  return peft;
}

for (const family of MODEL_FAMILIES) {
  const base = await resolveBaseModel(family, 'translation', profile, { dataDir });
  const tokenizer = loadTokenizer(base.dir);
  const probe = loadPretrained(base.dir);
  const formatting = makeFormatting('translation', probe.isEncoderDecoder, { ...profile.sizes.translation, max_new_tokens: NEW_TOKENS });
  const ids = specialTokenIds(probe);
  probe.dispose();
  const prompts = sources.map((s) => promptIds(formatting, plainEncoder(tokenizer), s, ids.eos));
  const batchOf = (n: number) => {
    const rows = prompts.slice(0, n);
    const T = Math.max(...rows.map((r) => r.length));
    const left = !formatting.encoder_decoder;
    return {
      inputIds: rows.map((r) => (left ? [...Array(T - r.length).fill(ids.pad), ...r] : [...r, ...Array(T - r.length).fill(ids.pad)])),
      attentionMask: rows.map((r) => (left ? [...Array(T - r.length).fill(0), ...r.map(() => 1)] : [...r.map(() => 1), ...Array(T - r.length).fill(0)])),
    };
  };
  const opts: GenerationOptions = { strategy: 'greedy', maxNewTokens: NEW_TOKENS, minNewTokens: NEW_TOKENS, eosTokenId: ids.eos, padTokenId: ids.pad };
  const models = VARIANTS.map((v) => {
    const model = variantModel(base.dir, v);
    model.eval();
    return { ...v, model };
  });

  describe(`${family} (${base.name}) · greedy, ${NEW_TOKENS} new tokens per row`, () => {
    for (const { name, model } of models)
      for (const b of BATCHES) bench(`${name} · KV cache · batch ${b} (${b * NEW_TOKENS} tokens)`, () => void generate(model, batchOf(b), opts), BENCH_OPTIONS);
    for (const { name, model } of models.filter((v) => v.withoutCache))
      for (const b of BATCHES)
        bench(`${name} · no KV cache · batch ${b} (${b * NEW_TOKENS} tokens)`, () => void generateWithoutCache(model, batchOf(b), opts), BENCH_OPTIONS);
  });
}

// What every experiment computes on its outputs: all metrics with 1000-resample intervals.
const N_SEG = 200;
const refs = splits.test.slice(0, N_SEG).map((e) => e.target);
// Hypotheses: the references with every third word dropped, a realistic amount of overlap.
const hyps = refs.map((r) =>
  r
    .split(' ')
    .filter((_, i) => i % 3 !== 1)
    .join(' '),
);
describe('evaluation metrics with 95% bootstrap intervals', () => {
  bench(`ROUGE-1/2/L/Lsum, BLEU, sentence BLEU, chrF, chrF++ (${N_SEG} segments)`, () => void scoreQuality('translation', hyps, refs, 1000), BENCH_OPTIONS);
});
