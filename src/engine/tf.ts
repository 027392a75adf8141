/**
 * The one import of the tensor library for the whole project. Everything else imports `tf` from here,
 * so that the backend packages (cpu, wasm, and the optional native ones) are registered exactly once.
 */
import * as tf from '@tensorflow/tfjs-core';
// Chained ops (x.reshape(...)) for readability, as in nanoGPT.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
// Gradients of every op (the umbrella @tensorflow/tfjs package registers these; tfjs-core alone does not).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
export type Tensor = tf.Tensor;
export type Tensor1D = tf.Tensor1D;
export type Tensor2D = tf.Tensor2D;
export type Tensor3D = tf.Tensor3D;
export type Tensor4D = tf.Tensor4D;
export type Variable = tf.Variable;
