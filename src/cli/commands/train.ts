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
import { plannedSteps, Trainer, TrainingDivergedError, type TrainResult } from '../../train/trainer.ts';
import { writingUnder } from '../../util/envErrors.ts';
import { UserError } from '../../util/errors.ts';
import { printJson, requireString, type Command } from '../command.ts';

export const command: Command = {
  name: 'train',
  summary: 'fine-tune a model with a PEFT method from an experiment file',
  usage:
    'peft-lab train --config EXPERIMENT.json [--resume | --overwrite_output_dir] [--quiet]\n' +
    '  EXPERIMENT.json: {"model": DIR, "dataset": NAME | {"name", "limit", "max_train_examples", "max_length", ...} | {"pretokenized": FILE.jsonl},\n' +
    '                    "method": "lora"|"full"|..., "peft_config": {...peft fields}, "training_args": {...TrainingArguments, "output_dir"}, "seed": N}\n' +
    '  dataset options also take "domains": {"prefix": weight, ...} (rows drawn by domain share) and "max_tokens" (skip longer pairs);\n' +
    '  training_args as HF names them, e.g. "group_by_length": true; relative paths resolve against the experiment file\'s folder\n' +
    '  writes OUTPUT_DIR/adapter (peft format; for "full" a whole model directory with tokenizer files), loss_log.jsonl,\n' +
    '  checkpoint-N/, trainer_state.json, train_results.json, all_results.json, training_args.json, train_result.json; prints the result JSON\n' +
    '  an output_dir belongs to one run: --resume continues it; another experiment there is refused unless --overwrite_output_dir\n' +
    '  (deletes the checkpoints and files training wrote there, nothing else)',
  options: { config: { type: 'string' }, resume: { type: 'boolean' }, overwrite_output_dir: { type: 'boolean' }, quiet: { type: 'boolean' } },
  async run(values) {
    const backend = await initBackend();
    const configFile = requireString(values, 'config', 'train');
    const spec = readExperimentSpec(configFile);
    if (values.overwrite_output_dir === true) spec.training_args.overwrite_output_dir = true;
    const outputDir = spec.training_args.output_dir;
    const experimentDir = path.dirname(path.resolve(configFile));
    const inside = path.relative(experimentDir, outputDir);
    // Allowed, but said: checkpoints and result files go to (and are replaced in) a folder elsewhere.
    if (!values.quiet && (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)))
      process.stderr.write(`note: output_dir ${outputDir} is outside the experiment file's folder ${experimentDir}\n`);
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
    // The method's initialisation seed is the experiment's, which training_args.seed may override for training alone.
    const trainer = new Trainer(model, spec.training_args, data.train, data.validation, [], {
      quiet: values.quiet === true,
      identity: { experiment: { init_seed: spec.seed } },
    });
    let result: TrainResult;
    try {
      result = await writingUnder(outputDir, () => trainer.fit(values.resume === true));
    } catch (e) {
      if (e instanceof TrainingDivergedError) throw new UserError(e.message);
      throw e;
    }
    const adapterDir = path.join(spec.training_args.output_dir, 'adapter');
    await writingUnder(adapterDir, () => saveTrained(model, adapterDir, spec.model));
    const summary = {
      backend: backend.choice,
      method: spec.method,
      ...model.paramCounts(),
      adapter_dir: adapterDir,
      ...result,
      log_history: undefined,
      method_summary: model.adapter.summary?.(),
      data: {
        train_examples: data.train.length,
        validation_examples: data.validation.length,
        dataset: data.dataset,
        cleaning: data.cleaning,
        encode: data.encodeStats,
      },
    };
    await writingUnder(outputDir, () => writeFileSync(path.join(spec.training_args.output_dir, 'train_result.json'), JSON.stringify(summary, null, 2) + '\n'));
    printJson(summary);
  },
};
