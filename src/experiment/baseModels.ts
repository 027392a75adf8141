/**
 * The base model of each suite block (`gpt2`, `t5`) for a profile:
 *
 * - PEFT_GPT2_DIR / PEFT_T5_DIR / PEFT_MT5_DIR (any profile; required by `full`): the user's
 *   Hugging Face directories. Translation prefers PEFT_MT5_DIR for the encoder-decoder, because
 *   t5-small's vocabulary has no Cyrillic.
 * - the committed micro models fixtures/models/{gpt2-micro,t5-micro} (standard; smoke when present);
 * - smoke without the fixtures: a small random-init model from the same preset config (fewer layers,
 *   narrower, a 1k vocabulary) and a tokenizer trained on the spot from the training splits, written
 *   to runs/models/ as an ordinary Hugging Face directory — so everything downstream (loading,
 *   adapters, predict) runs exactly as with the real fixtures.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Task } from '../data/index.ts';
import { initBackend } from '../engine/backend.ts';
import { modelFamily } from '../models/registry.ts';
import { saveHfModel } from '../pretrain/export.ts';
import { initWeights } from '../pretrain/init.ts';
import { preset } from '../pretrain/presets.ts';
import { trainSharedTokenizer, writeTokenizerFiles } from '../pretrain/sharedTokenizer.ts';
import { atomicTempName } from '../util/atomicWrite.ts';
import { UserError } from '../util/errors.ts';
import { REPO_ROOT } from '../util/paths.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { corpusFile, loadCorpus, taskCorpus } from './taskCorpus.ts';
import type { Profile } from './profile.ts';
import type { ModelRecord } from './results.ts';

export { MODEL_FAMILIES, type ModelFamilyName } from '../models/registry.ts';
import type { ModelFamilyName } from '../models/registry.ts';

export interface BaseModel extends Omit<ModelRecord, 'params'> {
  dir: string;
}

export const FIXTURE_MODELS: Readonly<Record<ModelFamilyName, string>> = {
  gpt2: path.join(REPO_ROOT, 'fixtures', 'models', 'gpt2-micro'),
  t5: path.join(REPO_ROOT, 'fixtures', 'models', 't5-micro'),
};

/** A directory from_pretrained could load: config, weights and tokenizer. */
export function isModelDir(dir: string): boolean {
  return ['config.json', 'model.safetensors', 'tokenizer.json'].every((f) => existsSync(path.join(dir, f)));
}

function userDir(family: ModelFamilyName, task: Task, env: NodeJS.ProcessEnv): { dir: string; variable: string } | undefined {
  const vars = family === 'gpt2' ? ['PEFT_GPT2_DIR'] : task === 'translation' ? ['PEFT_MT5_DIR', 'PEFT_T5_DIR'] : ['PEFT_T5_DIR'];
  for (const v of vars) if (env[v]) return { dir: path.resolve(env[v]!), variable: v };
  return undefined;
}

export async function resolveBaseModel(
  family: ModelFamilyName,
  task: Task,
  profile: Profile,
  opts: { dataDir: string | null; env?: NodeJS.ProcessEnv; modelsDir?: string } = { dataDir: null },
): Promise<BaseModel> {
  const env = opts.env ?? process.env;
  const user = userDir(family, task, env);
  if (user) {
    if (!isModelDir(user.dir))
      throw new UserError(`${user.variable}=${user.dir} is not a Hugging Face model directory (config.json, model.safetensors, tokenizer.json)`);
    return { family, dir: user.dir, name: path.basename(user.dir), origin: 'user', random_init: false };
  }
  if (profile.name === 'full') {
    const want = family === 'gpt2' ? 'PEFT_GPT2_DIR (gpt2)' : task === 'translation' ? 'PEFT_MT5_DIR (mt5-small) or PEFT_T5_DIR' : 'PEFT_T5_DIR (t5-small)';
    throw new UserError(`PEFT_PROFILE=full needs real model directories: set ${want}`);
  }
  const fixture = FIXTURE_MODELS[family];
  if (isModelDir(fixture)) return { family, dir: fixture, name: path.basename(fixture), origin: 'fixture', random_init: false };
  if (profile.name === 'standard')
    throw new UserError(
      `PEFT_PROFILE=standard needs the pretrained micro models in ${fixture} (peft-lab pretrain --preset ${path.basename(fixture)}); ` +
        'use PEFT_PROFILE=smoke to run with small random-init models instead',
    );
  const dir = await buildSmokeModel(family, profile, opts.dataDir, opts.modelsDir ?? path.join(REPO_ROOT, 'runs', 'models'));
  return { family, dir, name: path.basename(dir), origin: 'built', random_init: true };
}

/** Training-split texts of both tasks' corpora: what the on-the-spot tokenizer learns from. */
async function tokenizerTexts(dataDir: string | null, count: number): Promise<string[]> {
  const texts: string[] = [];
  for (const task of ['translation', 'summarization'] as const) {
    const { splits } = await loadCorpus(taskCorpus(task, dataDir), dataDir);
    for (const ex of splits.train.slice(0, Math.ceil(count / 2))) texts.push(ex.source, ex.target);
  }
  return texts;
}

const building = new Map<string, Promise<string>>();

/**
 * Builds (once; later calls reuse the directory) a random-init model for smoke runs. The folder name
 * carries a hash of what it is built from, and it appears by an atomic rename, so parallel workers
 * never see half a model.
 */
export function buildSmokeModel(family: ModelFamilyName, profile: Profile, dataDir: string | null, modelsDir: string): Promise<string> {
  const s = profile.smoke_model;
  const corpora = (['translation', 'summarization'] as const).map((t) => {
    const name = taskCorpus(t, dataDir);
    return { name, file: corpusFile(name, dataDir) ? path.basename(corpusFile(name, dataDir)!) : null };
  });
  const key = sha256(canonicalJson({ family, smoke: s, corpora, version: 1 })).slice(0, 12);
  const dir = path.join(modelsDir, `smoke-${family}-${key}`);
  if (isModelDir(dir)) return Promise.resolve(dir);
  let p = building.get(dir);
  if (!p) {
    p = (async () => {
      await initBackend();
      const texts = await tokenizerTexts(dataDir, s.tokenizer_texts);
      const json = trainSharedTokenizer(texts, { vocabSize: s.vocab_size });
      const vocab = Object.keys((json.model as { vocab: Record<string, number> }).vocab).length;
      const p0 = preset(family === 'gpt2' ? 'gpt2-micro' : 't5-micro');
      const config: Record<string, unknown> =
        family === 'gpt2'
          ? { ...p0.config, vocab_size: vocab, n_layer: s.layers, n_embd: s.width, n_head: s.heads }
          : {
              ...p0.config,
              vocab_size: vocab,
              d_model: s.width,
              d_kv: s.width / s.heads,
              d_ff: 2 * s.width,
              num_heads: s.heads,
              num_layers: s.layers,
              num_decoder_layers: s.layers,
            };
      const model = modelFamily(config.model_type, 'smoke preset').create(config, 'smoke preset');
      initWeights(model, 1234);
      const tmp = atomicTempName(dir);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      saveHfModel(model, tmp, { config, generationConfig: p0.generationConfig }, 'F32');
      writeTokenizerFiles(tmp, family, json, family === 'gpt2' ? (config.n_positions as number) : 512);
      model.dispose();
      try {
        renameSync(tmp, dir);
      } catch (e) {
        // Another worker finished first: its model is the same (same inputs, same seed).
        rmSync(tmp, { recursive: true, force: true });
        if (!isModelDir(dir)) throw e;
      }
      return dir;
    })();
    building.set(dir, p);
  }
  return p;
}
