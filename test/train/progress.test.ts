import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/train/progress.ts';

function lines(run: () => void): string[] {
  const out: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('progress lines', () => {
  afterEach(() => vi.useRealTimers());

  it('count steps against the total with an ETA', () => {
    const out = lines(() => new Progress('train', 100, { everyMs: 0 }).update(25, 'loss 4.2'));
    expect(out.join('')).toMatch(/train 25\/100 loss 4\.2 elapsed \d+s eta \d+s/);
  });

  it('count down a wall-clock budget instead of a step ceiling', () => {
    vi.useFakeTimers();
    const p = new Progress('train', 1_000_000, { everyMs: 0, budgetSeconds: 600 });
    vi.advanceTimersByTime(120_000);
    const out = lines(() => p.update(50, 'loss 4.8'));
    expect(out.join('')).toContain('train 50 loss 4.8 elapsed 2m00s left 8m00s');
  });

  it('say nothing when quiet', () => {
    expect(lines(() => new Progress('train', 10, { quiet: true, everyMs: 0 }).update(5, ''))).toEqual([]);
  });
});
