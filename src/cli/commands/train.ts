import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../../engine/backend.ts';
import { buildExperimentData } from '../../experiment/data.ts';
import { saveTrained } from '../../experiment/saveTrained.ts';
import { readExperimentSpec } from '../../experiment/spec.ts';
import { loadPretrained } from '../../models/hf/loadPretrained.ts';
import { positionLimit } from '../../models/registry.ts';
import { loadTokenizer } from '../../models/tokenizers/index.ts';
import { getPeftModel } from '../../peft/getPeftModel.ts';
import { plannedSteps, Trainer, TrainingDivergedError } from '../../train/trainer.ts';
import { UserError } from '../../util/errors.ts';
import { printJson, requireString, type Command } from '../command.ts';

export const command: Command = {
  name: 'train',
  summary: 'fine-tune a model with a PEFT method from an experiment file',
  usage:
    'peft-lab train --config EXPERIMENT.json [--resume] [--quiet]\n' +
    '  EXPERIMENT.json: {"model": DIR, "dataset": NAME | {"name", "limit", "max_train_examples", "max_length", ...} | {"pretokenized": FILE.jsonl},\n' +
    '                    "method": "lora"|"full"|..., "peft_config": {...peft fields}, "training_args": {...TrainingArguments, "output_dir"}, "seed": N}\n' +
    '  dataset options also take "domains": {"prefix": weight, ...} (rows drawn by domain share) and "max_tokens" (skip longer pairs);\n' +
    '  training_args as HF names them, e.g. "group_by_length": true; relative paths resolve against the experiment file\'s folder\n' +
    '  writes OUTPUT_DIR/adapter (peft format; for "full" a whole model directory with tokenizer files), loss_log.jsonl,\n' +
    '  checkpoint-N/, trainer_state.json, train_results.json, all_results.json, training_args.json, train_result.json; prints the result JSON',
  options: { config: { type: 'string' }, resume: { type: 'boolean' }, quiet: { type: 'boolean' } },
  async run(values) {
    const backend = await initBackend();
    const spec = readExperimentSpec(requireString(values, 'config', 'train'));
    const base = loadPretrained(spec.model);
    const tokenizer = existsSync(path.join(spec.model, 'tokenizer.json')) ? loadTokenizer(spec.model) : undefined;
    const cfg = base.config as { eos_token_id?: number };
    const data = await buildExperimentData(spec.data, {
      tokenizer,
      encoderDecoder: base.isEncoderDecoder,
      eosTokenId: cfg.eos_token_id,
      vocabSize: base.vocabSize,
      maxPositions: positionLimit(base),
    });
    const model = getPeftModel(base, spec.method, spec.peft_config, {
      seed: spec.seed,
      totalSteps: plannedSteps(spec.training_args, data.train.length),
    });
    const trainer = new Trainer(model, spec.training_args, data.train, data.validation, [], { quiet: values.quiet === true });
    let result;
    try {
      result = await trainer.fit(values.resume === true);
    } catch (e) {
      if (e instanceof TrainingDivergedError) throw new UserError(e.message);
      throw e;
    }
    const adapterDir = path.join(spec.training_args.output_dir, 'adapter');
    saveTrained(model, adapterDir, spec.model);
    const summary = {
      backend: backend.choice,
      method: spec.method,
      ...model.paramCounts(),
      adapter_dir: adapterDir,
      ...result,
      log_history: undefined,
      method_summary: model.adapter.summary?.(),
      data: { train_examples: data.train.length, validation_examples: data.validation.length, dataset: data.dataset, cleaning: data.cleaning, encode: data.encodeStats },
    };
    writeFileSync(path.join(spec.training_args.output_dir, 'train_result.json'), JSON.stringify(summary, null, 2) + '\n');
    printJson(summary);
  },
};
