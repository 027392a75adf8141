import { describe, expect, it } from 'vitest';
import { analyseStability, thinCurve } from '../../src/experiment/stability.ts';

const curve = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('training-stability note', () => {
  it('stable: a smooth fall', () => {
    const s = analyseStability(curve(50, (i) => 5 * Math.exp(-i / 20) + 1));
    expect(s.verdict).toBe('stable');
    expect(s.relative_drop).toBeGreaterThan(0.4);
    expect(s.spikes).toBe(0);
  });
  it('noisy: a fall with large step-to-step noise or spikes', () => {
    expect(analyseStability(curve(50, (i) => 5 - i / 20 + (i % 2 ? 0.8 : -0.8))).verdict).toBe('noisy');
    expect(analyseStability(curve(50, (i) => (i === 30 ? 12 : 5 - i / 20))).spikes).toBe(1);
  });
  it('flat: under 2% fall; diverged: ending higher or a non-finite loss', () => {
    expect(analyseStability(curve(20, () => 3)).verdict).toBe('flat');
    expect(analyseStability(curve(20, (i) => 3 + i / 10)).verdict).toBe('diverged');
    // A wiggle of +1% is a flat curve, not a divergence.
    expect(analyseStability(curve(20, (i) => 3 + (i > 15 ? 0.03 : 0))).verdict).toBe('flat');
    const nan = analyseStability([4, 3, NaN, 2]);
    expect(nan.verdict).toBe('diverged');
    expect(nan.non_finite).toBe(1);
  });
  it('compares the first and last 20% of steps', () => {
    const s = analyseStability([10, 10, 8, 6, 5, 4, 3, 3, 2, 2]);
    expect(s.start_loss).toBe(10);
    expect(s.end_loss).toBe(2);
    expect(s.relative_drop).toBeCloseTo(0.8, 12);
  });
  it('thins long curves to at most max points, keeping both ends', () => {
    const pts = curve(1000, (i) => i).map((l, i) => ({ step: i + 1, loss: l }));
    const t = thinCurve(pts, 200);
    expect(t).toHaveLength(200);
    expect(t[0]).toEqual(pts[0]);
    expect(t.at(-1)).toEqual(pts.at(-1));
    expect(thinCurve(pts.slice(0, 10))).toHaveLength(10);
  });
});
