import { expect } from 'vitest';
import type { Tensor } from '../../src/engine/tf.ts';

/** Same shape, and every element within atol·(1 + |expected|). */
export function expectTensorsClose(got: Tensor, want: Tensor, atol: number): void {
  expect(got.shape).toEqual(want.shape);
  const x = got.dataSync();
  const y = want.dataSync();
  for (let i = 0; i < y.length; i++) expect(Math.abs(x[i]! - y[i]!), `element ${i}: ${x[i]} vs ${y[i]}`).toBeLessThanOrEqual(atol * (1 + Math.abs(y[i]!)));
}
