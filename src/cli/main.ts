import { BACKEND_ENV_USAGE } from '../engine/backendChoices.ts';
import { describeEnvironmentError } from '../util/envErrors.ts';
import { UserError } from '../util/errors.ts';
import { parseCommandArgs, type Command } from './command.ts';

/**
 * Registers every PEFT method (this is where the program starts) before a command that attaches,
 * loads or quantizes adapters runs; score, report and doctor skip it and the tensor engine it loads.
 */
async function withPlugins<T>(load: () => Promise<T>): Promise<T> {
  const { registerAllPlugins } = await import('../../plugins/index.ts');
  registerAllPlugins();
  return load();
}

/**
 * Registers what the report knows of every method (names, the baseline, summary lines) for `report`,
 * which renders results without attaching anything and so without the tensor engine.
 */
async function withMethodInfos<T>(load: () => Promise<T>): Promise<T> {
  const { registerAllMethodInfos } = await import('../../plugins/methodInfos.ts');
  registerAllMethodInfos();
  return load();
}

/**
 * Sub-commands are loaded lazily so that `peft-lab score` does not pay for starting the tensor
 * engine, and each command lives in its own file under commands/.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  logits: { summary: 'forward pass: print logits for input ids', load: () => withPlugins(() => import('./commands/logits.ts')) },
  generate: { summary: 'decode with greedy, beam search or sampling', load: () => withPlugins(() => import('./commands/generate.ts')) },
  params: { summary: 'trainable/all parameter counts as peft prints them', load: () => withPlugins(() => import('./commands/params.ts')) },
  train: { summary: 'fine-tune with a PEFT method from an experiment file (--resume continues)', load: () => withPlugins(() => import('./commands/train.ts')) },
  pretrain: {
    summary: 'train the shared tokenizer or pretrain gpt2-micro / t5-micro from scratch (--resume continues)',
    load: () => withPlugins(() => import('./commands/pretrain.ts')),
  },
  score: { summary: 'BLEU, chrF, chrF++, TER and ROUGE exactly as sacrebleu / rouge-score', load: () => import('./commands/score.ts') },
  predict: {
    summary: 'generate outputs for a JSONL file with a model (and adapter), formatted as in training',
    load: () => withPlugins(() => import('./commands/predict.ts')),
  },
  evaluate: {
    summary: "score predictions against references with the task's metrics and 95% intervals",
    load: () => withPlugins(() => import('./commands/evaluate.ts')),
  },
  report: { summary: 'render REPORT.md again from saved experiment results', load: () => withMethodInfos(() => import('./commands/report.ts')) },
  quantize: {
    summary: 'NF4-quantize a safetensors checkpoint as bitsandbytes does (QLoRA storage)',
    load: () => withPlugins(() => import('./commands/quantize.ts')),
  },
  dequantize: {
    summary: 'turn an NF4 (bitsandbytes-layout) safetensors file back into float32 tensors',
    load: () => withPlugins(() => import('./commands/dequantize.ts')),
  },
  bench: { summary: 'training and generation speed on random GPT-2 configurations', load: () => withPlugins(() => import('./commands/bench.ts')) },
  doctor: { summary: 'which compute backend and native kernels are in use here, and why (--json for JSON)', load: () => import('./commands/doctor.ts') },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`);
  return [
    'peft-lab — parameter-efficient fine-tuning experiments on GPT-2 and T5',
    '',
    'usage: peft-lab <command> [options]     (peft-lab <command> --help for its options)',
    '',
    'commands:',
    ...lines,
    '',
    `environment: ${BACKEND_ENV_USAGE} forces a compute backend (default: the first of these that loads)`,
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return;
  }
  const entry = COMMANDS[name];
  if (!entry) throw new UserError(`unknown command '${name}'; valid commands: ${Object.keys(COMMANDS).join(', ')}`);
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return;
  }
  const { values, positionals } = parseCommandArgs(command, rest);
  await command.run(values, positionals);
}

/**
 * Exits only once stdout and stderr have been flushed: writes to a pipe are asynchronous in Node,
 * and exiting at once would cut a large JSON answer short.
 */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  () => exitAfterFlush(typeof process.exitCode === 'number' ? process.exitCode : 0),
  (e: unknown) => {
    if (e instanceof UserError) {
      process.stderr.write(`peft-lab: ${e.message.replace(/\n/g, ' ')}\n`);
      exitAfterFlush(2);
      return;
    }
    // A full disk, a read-only or misplaced path: the user's machine to fix, not a bug to report.
    const env = describeEnvironmentError(e);
    if (env) {
      process.stderr.write(`peft-lab: ${env.replace(/\n/g, ' ')}\n`);
      if (process.env.PEFT_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
      exitAfterFlush(1);
      return;
    }
    // An internal failure: still one line by default; PEFT_DEBUG=1 shows the stack for bug reports.
    const err = e as Error;
    process.stderr.write(`peft-lab: internal error: ${String(err?.message ?? e).split('\n')[0]}\n`);
    if (process.env.PEFT_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    exitAfterFlush(1);
  },
);
