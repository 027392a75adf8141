import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DenseArray, printJsonStreamed } from '../../src/cli/command.ts';
import { command as evaluate } from '../../src/cli/commands/evaluate.ts';
import { command as logits } from '../../src/cli/commands/logits.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { UserError } from '../../src/util/errors.ts';
import { TINY_GPT2, writeTinyModel } from '../models/tinyModels.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-large-out-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend();
});

/** What a command writes to stdout, seen chunk by chunk (never joined: it may exceed a string's length). */
async function watchStdout(run: () => Promise<void>, onChunk: (s: string) => void): Promise<void> {
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    onChunk(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
}

describe('large JSON output is streamed', () => {
  it('printJsonStreamed writes exactly what JSON.stringify writes', async () => {
    const nested = [
      [
        [1.5, -0, NaN],
        [Infinity, 1e-7, -3],
      ],
      [
        [0.1, 2, 3],
        [4, 5, 6],
      ],
    ];
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { logits: new DenseArray([2, 2, 3], nested.flat(2)), other: 'x', skipped: undefined },
        { logits: nested, other: 'x' },
      ],
      [
        { a: new DenseArray([0], []), b: new DenseArray([], [7]), c: new DenseArray([2, 0], []) },
        { a: [], b: 7, c: [[], []] },
      ],
    ];
    for (const [streamed, plain] of cases) {
      let text = '';
      await watchStdout(
        () => printJsonStreamed(streamed),
        (s) => (text += s),
      );
      expect(text).toBe(JSON.stringify(plain) + '\n');
    }
  });

  it('a valid 16×256 logits request over an 8k vocabulary (33.5M numbers) prints, in chunks', async () => {
    const cfg = { ...TINY_GPT2, vocab_size: 8192, n_positions: 256, n_layer: 1 };
    const dir = writeTinyModel(path.join(tmp, 'wide'), cfg);
    const input = path.join(tmp, 'wide.json');
    writeFileSync(input, JSON.stringify({ input_ids: Array.from({ length: 16 }, (_, b) => Array.from({ length: 256 }, (_, t) => (b * 256 + t) % 8192)) }));
    let bytes = 0;
    let commas = 0;
    let head = '';
    let tail = '';
    let largest = 0;
    await watchStdout(
      () => logits.run({ model: dir, input }, []),
      (s) => {
        if (!head) head = s.slice(0, 20);
        tail = (tail + s).slice(-8);
        bytes += s.length;
        largest = Math.max(largest, s.length);
        for (let i = s.indexOf(','); i >= 0; i = s.indexOf(',', i + 1)) commas++;
      },
    );
    expect(head.startsWith('{"logits":[[[')).toBe(true);
    expect(tail.endsWith(']]]}\n')).toBe(true);
    expect(commas).toBe(16 * 256 * 8191 + 16 * 255 + 15);
    expect(bytes).toBeGreaterThan(2 ** 29); // more than V8's longest string
    expect(largest).toBeLessThan(4 << 20);
    // Formatting 33.5M numbers takes about a minute on one idle core; a loaded CI machine needs more.
  }, 600_000);
});

describe('evaluate --bootstrap is bounded', () => {
  it('refuses 1,000,000,000 resamples in one line, before reading anything', async () => {
    const err = await evaluate
      .run({ task: 'translation', predictions: 'nope.jsonl', references: 'nope.jsonl', bootstrap: '1000000000' }, [])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe("--bootstrap must be an integer from 2 to 100000, got '1000000000'");
  });

  it('and bounds resamples × examples', async () => {
    const n = 2000;
    const preds = path.join(tmp, 'p.jsonl');
    const refs = path.join(tmp, 'r.jsonl');
    writeFileSync(preds, Array.from({ length: n }, (_, i) => JSON.stringify({ id: String(i), prediction: 'привет' })).join('\n'));
    writeFileSync(refs, Array.from({ length: n }, (_, i) => JSON.stringify({ id: String(i), source: 'hello', target: 'привет' })).join('\n'));
    const err = await evaluate.run({ task: 'translation', predictions: preds, references: refs, bootstrap: '60000' }, []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      'evaluate: --bootstrap 60000 over 2000 examples is 120000000 resampled indices; use --bootstrap <= 50000 for this many examples',
    );
  });
});
