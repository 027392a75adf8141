import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Task } from '../../data/index.ts';
import { initBackend } from '../../engine/backend.ts';
import { loadFormatting, makeFormatting, type Formatting } from '../../experiment/savedFormatting.ts';
import { predictTexts, type DecodingSpec } from '../../experiment/predict.ts';
import { readTaskRows } from '../../experiment/rows.ts';
import type { LanguageModel } from '../../models/registry.ts';
import { loadTokenizer } from '../../models/tokenizers/index.ts';
import { Progress } from '../../train/progress.ts';
import { labelWithPath } from '../../util/envErrors.ts';
import { UserError } from '../../util/errors.ts';
import { optInt, printJson, requireString, type ArgValues, type Command } from '../command.ts';
import { loadModelForCli } from '../loadModel.ts';
import { decodingFromFlags, decodingOptions, specialIds } from './generate.ts';

const TASKS = ['translation', 'summarization'] as const;

export function taskFlag(values: ArgValues, cmd: string): Task {
  const t = requireString(values, 'task', cmd);
  if (!(TASKS as readonly string[]).includes(t)) throw new UserError(`${cmd}: --task '${t}' is not valid; valid: ${TASKS.join(', ')}`);
  return t as Task;
}

/** Without a saved formatting.json: the training defaults, with the model's context as the limit. */
function defaultFormatting(task: Task, model: LanguageModel, maxNewTokens: number): Formatting {
  const c = model.config as { n_positions?: number };
  const maxLength = model.isEncoderDecoder ? 512 : (c.n_positions ?? 1024);
  return makeFormatting(task, model.isEncoderDecoder, { max_length: maxLength, max_target_length: maxNewTokens, max_new_tokens: maxNewTokens });
}

export const command: Command = {
  name: 'predict',
  summary: 'generate outputs for a JSONL file with a model (and adapter), formatted as in training',
  usage:
    'peft-lab predict --model DIR [--adapter DIR] --task translation|summarization --input FILE.jsonl --output FILE.jsonl\n' +
    '    [--batch-size N] [--strategy greedy|beam|sample] [--num-beams N] [--max-new-tokens N] [--min-new-tokens N]\n' +
    '    [--no-repeat-ngram-size N] [--repetition-penalty X] [--length-penalty X] [--temperature X] [--top-k N] [--top-p X] [--seed N]\n' +
    "  --repetition-penalty X: transformers' repetition_penalty, > 0; above 1 makes tokens already in the prompt or the output less likely\n" +
    '    (1.2 in the CTRL paper), 1 is off\n' +
    '  FILE.jsonl rows: {"translation": {"en", "ru"}} | {"article", "highlights"} | {"document", "summary"} | {"source"[, "target"]}, with "id"\n' +
    '  writes one {"id", "prediction"} line per input row; the prompt template / task prefix and length limits come from\n' +
    "  the adapter's formatting.json (saved by every experiment), else the defaults; prints a summary JSON",
  options: {
    model: { type: 'string' },
    adapter: { type: 'string' },
    task: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string' },
    'batch-size': { type: 'string' },
    quiet: { type: 'boolean' },
    ...decodingOptions,
  },
  async run(values) {
    const task = taskFlag(values, 'predict');
    const modelDir = requireString(values, 'model', 'predict');
    const input = requireString(values, 'input', 'predict');
    const output = requireString(values, 'output', 'predict');
    const adapterDir = values.adapter as string | undefined;
    const batchSize = optInt(values, 'batch-size', { min: 1 }) ?? 16;
    await initBackend();
    const rows = await readTaskRows(input, task, { requireTarget: false });
    const model = await loadModelForCli(modelDir, adapterDir);
    const tokDir = existsSync(path.join(modelDir, 'tokenizer.json')) || !adapterDir ? modelDir : adapterDir;
    const tokenizer = loadTokenizer(tokDir);
    const saved = loadFormatting(adapterDir ?? modelDir);
    if (saved && saved.task !== task) throw new UserError(`predict: the adapter was trained for ${saved.task}, not ${task} (its formatting.json says so)`);
    const g = decodingFromFlags(values, specialIds(model.config));
    const maxNew = optInt(values, 'max-new-tokens', { min: 1 }) ?? saved?.max_new_tokens ?? 64;
    const formatting = saved ?? defaultFormatting(task, model, maxNew);
    const decoding: DecodingSpec = {
      strategy: g.strategy,
      max_new_tokens: maxNew,
      num_beams: g.numBeams,
      length_penalty: g.lengthPenalty,
      no_repeat_ngram_size: g.noRepeatNgramSize,
      repetition_penalty: g.repetitionPenalty,
      temperature: g.temperature,
      top_k: g.topK,
      top_p: g.topP,
      seed: g.seed,
    };
    const progress = new Progress('predict', rows.length, { quiet: values.quiet === true, everyMs: 2000 });
    const run = predictTexts(
      model,
      tokenizer,
      formatting,
      rows.map((r) => r.source),
      {
        decoding,
        batchSize,
        onProgress: (done, total) => progress.update(done, `of ${total} rows`),
      },
    );
    mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
    const lines = rows.map((r, i) => JSON.stringify({ id: r.id, prediction: run.predictions[i]!.prediction }) + '\n').join('');
    try {
      writeFileSync(output, lines);
    } catch (e) {
      throw labelWithPath(e, output);
    }
    model.dispose();
    printJson({
      output,
      rows: rows.length,
      new_tokens: run.new_tokens,
      seconds: run.seconds,
      tokens_per_s: run.tokens_per_s,
      truncated: run.predictions.filter((p) => p.truncated).length,
      formatting: saved ? path.join(adapterDir ?? modelDir, 'formatting.json') : 'defaults',
    });
  },
};
