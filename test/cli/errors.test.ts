import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKEND_CHOICES, BACKEND_ENV_USAGE } from '../../src/engine/backendChoices.ts';
import { goldenPath } from '../helpers/golden.ts';
import { peftLab } from '../helpers/cli.ts';
import { needsShared } from '../helpers/skip.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-cli-err-'));
const gpt2 = goldenPath('models', 'tiny-gpt2');

function file(name: string, content: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, content);
  return f;
}

/** Bad input: exit code ≠ 0 and exactly one clear line on stderr, never a stack trace. */
function expectOneLine(args: string[], pattern: RegExp) {
  const r = peftLab(args);
  expect(r.status).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('peft-lab help', () => {
  it('--help lists the commands', () => {
    const r = peftLab(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['logits', 'generate', 'params', 'train', 'score']) expect(r.stdout).toContain(c);
    // The backends it names are the ones backend selection accepts.
    expect(r.stdout).toContain(`environment: ${BACKEND_ENV_USAGE} forces`);
    expect(BACKEND_ENV_USAGE).toBe(`PEFT_BACKEND=${BACKEND_CHOICES.join('|')}`);
  });
});

describe('peft-lab pretrain bad options', () => {
  it('--prefix-lm-targets: MIN-MAX within a 141-token chunk', () => {
    for (const bad of ['64', '0-10', '90-40', '32-141', 'a-b'])
      expectOneLine(
        ['pretrain', '--preset', 't5-micro', '--out', path.join(tmp, 'pt'), '--max-steps', '1', '--prefix-lm-targets', bad],
        new RegExp(`--prefix-lm-targets '${bad}' is not valid; give MIN-MAX with 1 ≤ MIN ≤ MAX ≤ 140`),
      );
  });
  it('--denoising-rate: a share that leaves room for the prefix-LM rate', () => {
    const base = ['pretrain', '--preset', 't5-micro', '--out', path.join(tmp, 'pt'), '--max-steps', '1'];
    expectOneLine([...base, '--denoising-rate', '0.6'], /--denoising-rate must be between 0 and 0.5 \(1 minus the prefix-LM rate\), got 0.6/);
    expectOneLine(
      [...base, '--prefix-lm-rate', '0.3', '--denoising-rate', '0.8'],
      /--denoising-rate must be between 0 and 0.7 \(1 minus the prefix-LM rate\), got 0.8/,
    );
    // 1 − 0.7 is 0.30000000000000004 in floating point: the bound is shown rounded.
    expectOneLine(
      [...base, '--prefix-lm-rate', '0.7', '--denoising-rate', '0.4'],
      /--denoising-rate must be between 0 and 0.3 \(1 minus the prefix-LM rate\), got 0.4$/,
    );
  });
});

describe('peft-lab bad input', needsShared(gpt2), () => {
  it('unknown command / unknown flag', () => {
    expectOneLine(['frobnicate'], /unknown command 'frobnicate'; valid commands: .*logits/);
    expectOneLine(['logits', '--modle', 'x'], /logits: Unknown option '--modle'/);
  });
  it('missing files and wrong shapes', () => {
    expectOneLine(['logits', '--model', gpt2!, '--input', path.join(tmp, 'nope.json')], /input file not found/);
    expectOneLine(
      ['logits', '--model', path.join(tmp, 'nomodel'), '--input', file('a.json', '{"input_ids":[[1]]}')],
      /model directory not found|config.json not found/,
    );
    expectOneLine(['logits', '--model', gpt2!, '--input', file('b.json', '{"input_ids":[1,2]}')], /'input_ids' must be a non-empty array of arrays/);
    expectOneLine(['logits', '--model', gpt2!, '--input', file('c.json', '{"input_ids":[[1,2],[3]]}')], /row 1 has 1 entries, row 0 has 2/);
    expectOneLine(['logits', '--model', gpt2!, '--input', file('d.json', '{oops')], /is not valid JSON/);
  });
  it('token id out of range, model type not supported, pickle weights', () => {
    expectOneLine(
      ['logits', '--model', gpt2!, '--input', file('e.json', '{"input_ids":[[1,5000]]}')],
      /input_ids\[0\]\[1\] = 5000 is out of range: the vocabulary has ids 0\.\.999/,
    );
    const bert = path.join(tmp, 'bert');
    mkdirSync(bert, { recursive: true });
    writeFileSync(path.join(bert, 'config.json'), '{"model_type":"bert"}');
    writeFileSync(path.join(bert, 'model.safetensors'), '');
    expectOneLine(['logits', '--model', bert, '--input', file('f.json', '{"input_ids":[[1]]}')], /model_type 'bert' is not supported; supported: gpt2/);
    const pickle = path.join(tmp, 'pickle');
    mkdirSync(pickle, { recursive: true });
    writeFileSync(path.join(pickle, 'config.json'), '{"model_type":"gpt2"}');
    writeFileSync(path.join(pickle, 'pytorch_model.bin'), 'x');
    expectOneLine(['logits', '--model', pickle, '--input', file('g.json', '{"input_ids":[[1]]}')], /pytorch_model\.bin .*convert it to safetensors/);
  });
  it('bad decoding options', () => {
    expectOneLine(
      ['generate', '--model', gpt2!, '--input', file('h.json', '{"input_ids":[[1]]}'), '--strategy', 'nucleus'],
      /--strategy 'nucleus' is not valid; valid: greedy, beam, sample/,
    );
    expectOneLine(['generate', '--model', gpt2!, '--input', file('i.json', '{"input_ids":[[1]]}'), '--top-p', '2'], /top_p must be in \(0, 1\]/);
    expectOneLine(
      ['generate', '--model', gpt2!, '--input', file('j.json', '{"input_ids":[[1]]}'), '--repetition-penalty', '0'],
      /repetition_penalty must be a number > 0 \(1\.0 = off, above 1 penalises repeats\), got 0/,
    );
    expectOneLine(
      ['generate', '--model', gpt2!, '--input', file('k.json', '{"input_ids":[[1]]}'), '--repetition-penalty', 'high'],
      /--repetition-penalty must be a number, got 'high'/,
    );
  });
});
