import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { paretoFrontier } from '../../src/report/pareto.ts';

type P = { id: string; c: number; q: number };
const front = (xs: P[]) =>
  paretoFrontier(
    xs,
    (p) => p.c,
    (p) => p.q,
  ).map((p) => p.id);

describe('paretoFrontier', () => {
  it('keeps exactly the runs no other run beats at no more cost', () => {
    const pts: P[] = [
      { id: 'cheap-bad', c: 0.1, q: 1 },
      { id: 'cheap-good', c: 0.1, q: 3 },
      { id: 'mid-worse', c: 1, q: 2 },
      { id: 'mid-better', c: 1.5, q: 5 },
      { id: 'dear-best', c: 100, q: 9 },
      { id: 'dear-worse', c: 120, q: 8 },
    ];
    expect(front(pts)).toEqual(['cheap-good', 'mid-better', 'dear-best']);
  });

  it('ignores non-finite values and keeps the first of exact ties', () => {
    expect(
      front([
        { id: 'a', c: 1, q: 2 },
        { id: 'b', c: 1, q: 2 },
        { id: 'nan', c: NaN, q: 9 },
      ]),
    ).toEqual(['a']);
  });

  it('property: no frontier point is dominated, every other point is', () => {
    const pt = fc.record({ c: fc.integer({ min: 0, max: 20 }), q: fc.integer({ min: 0, max: 20 }) });
    fc.assert(
      fc.property(fc.array(pt, { minLength: 1, maxLength: 30 }), (raw) => {
        const pts = raw.map((p, i) => ({ ...p, id: String(i) }));
        const f = new Set(front(pts));
        const dominates = (a: P, b: P) => a.c <= b.c && a.q >= b.q && (a.c < b.c || a.q > b.q);
        for (const p of pts) {
          const dominated = pts.some((o) => dominates(o, p));
          if (f.has(p.id)) expect(dominated).toBe(false);
          // A point off the frontier is dominated or an exact duplicate of an earlier frontier point.
          else expect(dominated || pts.some((o) => f.has(o.id) && o.c === p.c && o.q === p.q)).toBe(true);
        }
      }),
    );
  });
});
