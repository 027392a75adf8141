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

const NEW_TOKENS = 16;
const BATCHES = [1, 8] as const;
const OPTS = { iterations: 3, warmupIterations: 1, time: 0 };

registerAllPlugins();
await initBackend();
const profile = profileFromEnv();
const dataDir = experimentDataDir();
const { splits } = await loadCorpus(taskCorpus('translation', dataDir), dataDir);
const sources = splits.test.slice(0, 8).map((e) => e.source);

interface Variant {
  name: string;
  method: string;
  config: Record<string, unknown>;
  merge?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'untuned base', method: 'base', config: {} },
  { name: 'LoRA r=8 unmerged', method: 'lora', config: { r: 8, lora_alpha: 16 } },
  { name: 'LoRA r=8 merged', method: 'lora', config: { r: 8, lora_alpha: 16 }, merge: true },
  { name: 'QLoRA (NF4) r=8', method: 'qlora', config: { r: 8, lora_alpha: 16 } },
  { name: 'AdaLoRA r=12', method: 'adalora', config: { init_r: 12, target_r: 8, total_step: 100 } },
  { name: 'IA³', method: 'ia3', config: {} },
  { name: 'prompt tuning (20 tokens)', method: 'prompt_tuning', config: { num_virtual_tokens: 20 } },
  { name: 'prefix tuning (20 tokens)', method: 'prefix_tuning', config: { num_virtual_tokens: 20 } },
  { name: 'P-tuning (20 tokens)', method: 'p_tuning', config: { num_virtual_tokens: 20, encoder_hidden_size: 128 } },
];

const registered = new Set(listPlugins().map((p) => p.name));

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
  const models = new Map<string, LanguageModel>();
  for (const v of VARIANTS) {
    if (v.method !== 'base' && !registered.has(v.method)) continue;
    const m = loadPretrained(base.dir);
    const model = v.method === 'base' ? m : getPeftModel(m, v.method, v.config, { seed: 1 });
    if (v.merge) layerAdapter((model as ReturnType<typeof getPeftModel>).adapter).merge();
    model.eval();
    models.set(v.name, model);
  }

  describe(`${family} (${base.name}) · greedy, ${NEW_TOKENS} new tokens per row`, () => {
    for (const [name, model] of models)
      for (const b of BATCHES) bench(`${name} · KV cache · batch ${b} (${b * NEW_TOKENS} tokens)`, () => void generate(model, batchOf(b), opts), OPTS);
    for (const name of ['untuned base', 'LoRA r=8 unmerged']) {
      const model = models.get(name);
      if (model) for (const b of BATCHES) bench(`${name} · no KV cache · batch ${b} (${b * NEW_TOKENS} tokens)`, () => void generateWithoutCache(model, batchOf(b), opts), OPTS);
    }
  });
}

// What every experiment computes on its outputs: all metrics with 1000-resample intervals.
const N_SEG = 200;
const refs = splits.test.slice(0, N_SEG).map((e) => e.target);
// Hypotheses: the references with every third word dropped, a realistic amount of overlap.
const hyps = refs.map((r) => r.split(' ').filter((_, i) => i % 3 !== 1).join(' '));
describe('evaluation metrics with 95% bootstrap intervals', () => {
  bench(`ROUGE-1/2/L/Lsum, BLEU, sentence BLEU, chrF, chrF++ (${N_SEG} segments)`, () => void scoreQuality('translation', hyps, refs, 1000), OPTS);
});
