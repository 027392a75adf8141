import { tf } from '../../src/engine/tf.ts';

/** An int32 [rows, cols] tensor from a rectangular matrix: token ids, masks and labels for forward(). */
export const t2 = (m: number[][]) => tf.tensor2d(m, [m.length, m[0]!.length], 'int32');
