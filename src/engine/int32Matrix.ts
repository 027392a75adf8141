import { tf, type Tensor2D } from './tf.ts';

/**
 * An int32 [rows, columns] tensor from rows of integers (token ids, attention masks, labels, position
 * ids), the columns taken from the first row.
 */
export function int32Matrix(rows: number[][]): Tensor2D {
  return tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
}
