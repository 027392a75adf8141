import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flat, goldenPath, maxAbsDiff, readGolden } from '../helpers/golden.ts';
import { peftLab } from '../helpers/cli.ts';
import { needsShared } from '../helpers/skip.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peft-cli-'));
let n = 0;
function inputFile(obj: object): string {
  const f = path.join(tmp, `in${n++}.json`);
  writeFileSync(f, JSON.stringify(obj));
  return f;
}

interface GenCase {
  prompt: string;
  mode: string;
  input_ids: number[][];
  attention_mask?: number[][];
  generate_kwargs: Record<string, number | boolean>;
  sequences: number[][];
  sequences_scores?: number[];
}

function genFlags(k: Record<string, number | boolean>): string[] {
  const f = ['--strategy', (k.num_beams as number) > 1 ? 'beam' : 'greedy', '--max-new-tokens', String(k.max_new_tokens)];
  if (k.num_beams) f.push('--num-beams', String(k.num_beams));
  if (k.num_return_sequences) f.push('--num-return-sequences', String(k.num_return_sequences));
  if (k.no_repeat_ngram_size) f.push('--no-repeat-ngram-size', String(k.no_repeat_ngram_size));
  if (k.length_penalty !== undefined) f.push('--length-penalty', String(k.length_penalty));
  return f;
}

/**
 * The same goldens as the library tests, through the CLI contract: one process per call, as users
 * script it. A few cases per model keep CI time down; the library tests cover every case.
 */
for (const name of ['tiny-gpt2', 'tiny-t5', 'tiny-t5-gated']) {
  const dir = goldenPath('models', name);
  describe(`peft-lab logits/generate on ${name}`, needsShared(dir), () => {
    const g = dir ? readGolden<Record<string, unknown>>('models', name, 'golden.json') : {};
    it('logits', () => {
      let input: object, want: number[];
      if (name === 'tiny-gpt2') {
        const c = (g.forward as { name: string; input_ids: number[][]; logits: unknown }[]).find((f) => f.name === 'plain')!;
        input = { input_ids: c.input_ids };
        want = flat(c.logits);
      } else {
        const d = g.decoder_forward as { input_ids: number[][]; attention_mask: number[][]; decoder_input_ids: number[][]; logits: unknown };
        input = { input_ids: d.input_ids, attention_mask: d.attention_mask, decoder_input_ids: d.decoder_input_ids };
        want = flat(d.logits);
      }
      const r = peftLab(['logits', '--model', dir!, '--input', inputFile(input)]);
      expect(r.status, r.stderr).toBe(0);
      const got = flat((JSON.parse(r.stdout) as { logits: unknown }).logits);
      const tol = name === 'tiny-t5-gated' ? 5e-4 : 1e-4;
      expect(maxAbsDiff(got, want)).toBeLessThan(tol);
    });
    it('generate: greedy, beam with return sequences, no-repeat-ngram', () => {
      const cases = (g.generate as GenCase[]).filter((c) => ['greedy', 'beam3_return3', 'beam3_no_repeat_ngram_2'].includes(c.mode) && c.prompt !== 'single');
      for (const c of cases) {
        const r = peftLab([
          'generate',
          '--model',
          dir!,
          '--input',
          inputFile({ input_ids: c.input_ids, attention_mask: c.attention_mask }),
          ...genFlags(c.generate_kwargs),
        ]);
        expect(r.status, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as { sequences: number[][]; sequences_scores?: number[] };
        expect(out.sequences, c.mode).toEqual(c.sequences);
        if (c.sequences_scores) expect(maxAbsDiff(out.sequences_scores!, c.sequences_scores)).toBeLessThan(1e-4);
      }
    });
  });
}

describe('peft-lab with --adapter (a Python peft adapter)', needsShared(goldenPath('models', 'peft', 'tiny-gpt2__lora')), () => {
  it('params, logits and greedy generation match peft', () => {
    const base = goldenPath('models', 'tiny-gpt2')!;
    const adapter = goldenPath('models', 'peft', 'tiny-gpt2__lora')!;
    const g = readGolden<{
      param_counts: Record<string, number>;
      outputs: Record<string, { input_ids: number[][]; logits?: unknown; sequences?: number[][] }>;
    }>('models', 'peft', 'tiny-gpt2__lora', 'golden.json');
    const p = peftLab(['params', '--model', base, '--adapter', adapter]);
    expect(p.status, p.stderr).toBe(0);
    const counts = JSON.parse(p.stdout) as Record<string, number>;
    expect(counts.trainable_params).toBe(g.param_counts.trainable_params);
    expect(counts.all_params).toBe(g.param_counts.all_params);
    const l = peftLab(['logits', '--model', base, '--adapter', adapter, '--input', inputFile({ input_ids: g.outputs.plain!.input_ids })]);
    expect(l.status, l.stderr).toBe(0);
    expect(maxAbsDiff(flat(JSON.parse(l.stdout).logits), flat(g.outputs.plain!.logits))).toBeLessThan(1e-4);
    const gen = peftLab([
      'generate',
      '--model',
      base,
      '--adapter',
      adapter,
      '--input',
      inputFile({ input_ids: g.outputs.greedy_single!.input_ids }),
      '--max-new-tokens',
      '8',
    ]);
    expect(gen.status, gen.stderr).toBe(0);
    expect(JSON.parse(gen.stdout).sequences).toEqual(g.outputs.greedy_single!.sequences);
  });
});

const countsFile = goldenPath('models', 'peft', 'param_counts_tiny.json');
describe('peft-lab params --adapter counts as peft prints it for every saved method', needsShared(countsFile), () => {
  // A saved P-tuning / prefix-projection adapter holds only the encoder's output table; peft's count
  // is that of the trainable setup, encoder and projection included (5,568 for tiny-gpt2 P-tuning).
  const counts = countsFile ? readGolden<Record<string, { trainable_params: number; all_params: number }>>('models', 'peft', 'param_counts_tiny.json') : {};
  for (const name of Object.keys(counts).filter((n) => goldenPath('models', 'peft', n)))
    it(name, () => {
      const [base] = name.split('__');
      const p = peftLab(['params', '--model', goldenPath('models', base!)!, '--adapter', goldenPath('models', 'peft', name)!]);
      expect(p.status, p.stderr).toBe(0);
      const got = JSON.parse(p.stdout) as Record<string, number>;
      expect({ trainable_params: got.trainable_params, all_params: got.all_params }).toEqual({
        trainable_params: counts[name]!.trainable_params,
        all_params: counts[name]!.all_params,
      });
    });
});
