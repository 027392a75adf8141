import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { peftLab } from '../helpers/cli.ts';

describe('the CPU backend is quiet', () => {
  it("tfjs's 'install our node backend' banner never reaches the output", () => {
    const input = path.join(mkdtempSync(path.join(os.tmpdir(), 'peft-banner-')), 'in.json');
    writeFileSync(input, JSON.stringify({ input_ids: [[5, 6, 7]] }));
    const r = peftLab(['generate', '--model', 'fixtures/models/gpt2-micro', '--input', input, '--strategy', 'greedy', '--max-new-tokens', '2'], {
      env: { PEFT_BACKEND: 'cpu' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).sequences[0]).toHaveLength(5);
    expect(r.stderr + r.stdout).not.toMatch(/looks like you are running TensorFlow\.js/);
  });
});
