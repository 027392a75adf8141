import type { LanguageModel } from '../models/registry.ts';
import { loadPretrained } from '../models/hf/loadPretrained.ts';
import { UserError } from '../util/errors.ts';

/** Loads --model (and, once PEFT lands, --adapter) for the CLI commands. */
export async function loadModelForCli(modelDir: string, adapterDir?: string): Promise<LanguageModel> {
  const model = loadPretrained(modelDir);
  if (adapterDir) throw new UserError('--adapter is not supported yet (it arrives with the PEFT plugins)');
  return model;
}
