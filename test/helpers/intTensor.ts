/** `t2(rows)`: the engine's int32Matrix under the short name the tests use for ids, masks and labels. */
export { int32Matrix as t2 } from '../../src/engine/int32Matrix.ts';
