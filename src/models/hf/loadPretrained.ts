import path from 'node:path';
import { tf } from '../../engine/tf.ts';
import { UserError } from '../../util/errors.ts';
import { modelFamily, type LanguageModel } from '../registry.ts';
import { readSafetensors, toFloat32 } from '../safetensors.ts';
import { readJsonFile, weightFiles } from './modelDir.ts';

/** Builds the architecture of `dir`/config.json with zero weights (parameter counting, tests). */
export function modelFromConfig(dir: string): LanguageModel {
  const configPath = path.join(dir, 'config.json');
  const raw = readJsonFile(configPath, 'config.json');
  return modelFamily(raw.model_type, configPath).create(raw, configPath).eval() as LanguageModel;
}

/**
 * Loads a Hugging Face model directory (config.json + safetensors weights) into our model classes,
 * as from_pretrained does: every parameter must be present (tied copies excepted) and every
 * checkpoint tensor must be used, else the error names the tensors.
 */
export function loadPretrained(dir: string): LanguageModel {
  const configPath = path.join(dir, 'config.json');
  const raw = readJsonFile(configPath, 'config.json');
  const family = modelFamily(raw.model_type, configPath);
  const files = weightFiles(dir);
  const model = family.create(raw, configPath);
  const params = new Map(model.namedParameters());
  const loaded = new Set<string>();
  const unexpected: string[] = [];
  for (const file of files) {
    const st = readSafetensors(file);
    for (const [name, t] of st.tensors) {
      const ours = family.mapWeightName(name, model);
      if (ours === undefined) continue;
      const p = params.get(ours);
      if (!p) {
        unexpected.push(name);
        continue;
      }
      if (p.shape.join(',') !== t.shape.join(','))
        throw new UserError(`${file}: tensor '${name}' has shape [${t.shape}], the model expects [${p.shape}]`);
      tf.tidy(() => p.assign(tf.tensor(toFloat32(t), t.shape, 'float32')));
      loaded.add(ours);
    }
  }
  const missing = [...params.keys()].filter((k) => !loaded.has(k));
  if (missing.length)
    throw new UserError(`${dir}: checkpoint lacks ${missing.length} weight(s): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  if (unexpected.length)
    throw new UserError(`${dir}: checkpoint has weights the model does not use: ${unexpected.slice(0, 5).join(', ')}`);
  return model.eval() as LanguageModel;
}
