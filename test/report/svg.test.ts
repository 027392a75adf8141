import { describe, expect, it } from 'vitest';
import { escapeXml, intervalChart, lineChart, niceTicks, scatterChart } from '../../src/report/svg.ts';

/** Every opened element is closed, in order (the charts use no CDATA or comments). */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

describe('SVG charts', () => {
  const points = [
    { x: 0.3, y: 10, label: 'LoRA r=8 <α=16>', highlight: true, group: 'LoRA' },
    { x: 100, y: 20, label: 'full & co', highlight: true, group: 'full' },
    { x: 1.2, y: 5, label: 'IA³', group: 'IA³' },
  ];

  it('scatter: well-formed, labels escaped, frontier points named and joined', () => {
    const svg = scatterChart({ title: 'chrF vs % "trainable"', xLabel: 'x', yLabel: 'y', xLog: true, points, frontierLine: true });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain('LoRA r=8 &lt;α=16&gt;');
    expect(svg).toContain('full &amp; co');
    expect(svg).toContain('&quot;trainable&quot;');
    // Only frontier points get a text label next to them; the legend names every group.
    expect(svg.match(/font-size="10"/g)?.length).toBe(2);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('Pareto frontier');
  });

  it('is deterministic and survives empty or degenerate data', () => {
    const a = scatterChart({ title: 't', xLabel: 'x', yLabel: 'y', points });
    expect(scatterChart({ title: 't', xLabel: 'x', yLabel: 'y', points })).toBe(a);
    expect(balanced(scatterChart({ title: 't', xLabel: 'x', yLabel: 'y', points: [] }))).toBe(true);
    expect(
      balanced(
        lineChart({
          title: 't',
          xLabel: 'x',
          yLabel: 'y',
          series: [
            {
              name: 'flat',
              points: [
                [1, 2],
                [2, 2],
              ],
            },
          ],
        }),
      ),
    ).toBe(true);
  });

  it('line chart draws one polyline per series with a legend entry', () => {
    const svg = lineChart({
      title: 'loss',
      xLabel: 'step',
      yLabel: 'loss',
      series: [
        {
          name: 'a',
          points: [
            [1, 3],
            [2, 2],
          ],
        },
        {
          name: 'b',
          points: [
            [1, 4],
            [2, 1],
          ],
          dashed: true,
        },
      ],
    });
    expect(svg.match(/<polyline/g)?.length).toBe(2);
    expect(svg).toContain('stroke-dasharray');
    expect(balanced(svg)).toBe(true);
  });

  it('niceTicks covers the range with round steps', () => {
    const t = niceTicks(0.13, 9.7);
    expect(t[0]).toBeLessThanOrEqual(0.13);
    expect(t.at(-1)).toBeGreaterThanOrEqual(9.7);
    const step = t[1]! - t[0]!;
    expect([1, 2, 2.5, 5].some((m) => Math.abs(step / 10 ** Math.floor(Math.log10(step)) - m) < 1e-9)).toBe(true);
    expect(escapeXml('<a&"b">')).toBe('&lt;a&amp;&quot;b&quot;&gt;');
  });

  it('interval chart: one dot and whisker per entry, intervals clipped at 0, failed runs hollow', () => {
    const entries = [
      { label: 'full <FT>', score: 12, low: 11.5, high: 12.5, group: 'full fine-tuning' },
      { label: 'IA³', score: 0.4, low: -0.8, high: 1.6, group: 'IA³', muted: true },
      { label: 'untuned base', score: 1, low: 0.5, high: 1.5, group: 'untuned base' },
    ];
    const svg = intervalChart({
      title: 'chrF by method',
      xLabel: 'chrF',
      entries,
      reference: { label: 'untuned base 1.00', value: 1 },
      mutedNote: 'hollow: failed',
    });
    expect(balanced(svg)).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg.match(/fill="#ffffff" stroke=/g)).toHaveLength(1);
    expect(svg).toContain('full &lt;FT&gt;');
    expect(svg).toContain('0.4 [0, 1.6]');
    expect(svg).toContain('hollow: failed');
    // Every x coordinate lies inside the plot: nothing is drawn left of the axis's 0.
    for (const m of svg.matchAll(/ (?:x1|x2|cx)="(-?[\d.]+)"/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(0);
    expect(intervalChart({ title: 't', xLabel: 'x', entries })).toBe(intervalChart({ title: 't', xLabel: 'x', entries }));
    expect(balanced(intervalChart({ title: 't', xLabel: 'x', entries: [] }))).toBe(true);
  });
});
