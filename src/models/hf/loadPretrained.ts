import path from 'node:path';
import { tf } from '../../engine/tf.ts';
import { UserError } from '../../util/errors.ts';
import { modelFamily, type LanguageModel, type ModelFamily } from '../registry.ts';
import { floatParameter, readSafetensors, readSafetensorsHeader } from '../safetensors.ts';
import { checkConfigOnlySize, checkSizesAgainstWeights } from './configSizes.ts';
import { readJsonFile, weightFiles } from './modelDir.ts';
import { recordNameOrPath } from './nameOrPath.ts';

function readConfig(dir: string): { configPath: string; raw: Record<string, unknown>; family: ModelFamily } {
  const configPath = path.join(dir, 'config.json');
  const raw = readJsonFile<unknown>(configPath, 'config.json');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UserError(`${configPath}: expected a JSON object with "model_type" and the model's sizes`);
  const obj = raw as Record<string, unknown>;
  return { configPath, raw: obj, family: modelFamily(obj.model_type, configPath) };
}

/** Builds the architecture of `dir`/config.json with zero weights (parameter counting, tests). */
export function modelFromConfig(dir: string): LanguageModel {
  const { configPath, raw, family } = readConfig(dir);
  // Nothing in the directory bounds the sizes: refuse what a real config never has.
  checkConfigOnlySize(family.sizes(raw, configPath), configPath);
  return family.create(raw, configPath).eval() as LanguageModel;
}

/** Our parameter names → shapes, from the weight files' headers only (no tensor data is read). */
function checkpointShapes(files: string[], family: ModelFamily, raw: Record<string, unknown>): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const file of files)
    for (const [name, info] of readSafetensorsHeader(file).tensors) {
      const ours = family.mapWeightName(name, raw);
      if (ours !== undefined) shapes.set(ours, info.shape);
    }
  return shapes;
}

/**
 * Loads a Hugging Face model directory (config.json + safetensors weights) into our model classes,
 * as from_pretrained does: every parameter must be present (tied copies excepted) and every
 * checkpoint tensor must be used, else the error names the tensors. The config's sizes are checked
 * against the weights' headers before the model is allocated.
 */
export function loadPretrained(dir: string): LanguageModel {
  const { configPath, raw, family } = readConfig(dir);
  const files = weightFiles(dir);
  const sizes = family.sizes(raw, configPath);
  checkSizesAgainstWeights(sizes, checkpointShapes(files, family, raw), configPath, files.length === 1 ? files[0]! : `the ${files.length} shards of ${dir}`);
  const model = family.create(raw, configPath);
  const params = new Map(model.namedParameters());
  const loaded = new Set<string>();
  const unexpected: string[] = [];
  for (const file of files) {
    const st = readSafetensors(file);
    for (const [name, t] of st.tensors) {
      const ours = family.mapWeightName(name, raw);
      if (ours === undefined) continue;
      const p = params.get(ours);
      if (!p) {
        unexpected.push(name);
        continue;
      }
      if (p.shape.join(',') !== t.shape.join(',')) throw new UserError(`${file}: tensor '${name}' has shape [${t.shape}], the model expects [${p.shape}]`);
      const values = floatParameter(t, `${file}: tensor '${name}'`);
      tf.tidy(() => p.assign(tf.tensor(values, t.shape, 'float32')));
      loaded.add(ours);
    }
  }
  const missing = [...params.keys()].filter((k) => !loaded.has(k));
  if (missing.length)
    throw new UserError(`${dir}: checkpoint lacks ${missing.length} weight(s): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  if (unexpected.length) throw new UserError(`${dir}: checkpoint has weights the model does not use: ${unexpected.slice(0, 5).join(', ')}`);
  recordNameOrPath(model, dir);
  return model.eval() as LanguageModel;
}
