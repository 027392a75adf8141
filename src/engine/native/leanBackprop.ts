import { tf } from '../tf.ts';

/**
 * tfjs keeps every gradient it computes, and every tensor the forward pass saved for the backward
 * pass, until the whole backward pass ends. For a GPT-2 training step that is all activations plus
 * all their gradients at once (the wasm heap of the `base` bench reached ~960 MB, and it never
 * shrinks). This replaces Engine.gradients with the same walk over the same tape, calling the same
 * gradient functions in the same order (so results are bit-identical), that releases each node's
 * saved tensors and its outputs' gradients as soon as the node is done: nothing earlier on the tape
 * can need them. Higher-order gradients (gradients inside gradients) keep tfjs's own code.
 */

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
  gradients: Gradients;
}
type Gradients = (f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean) => { value: tf.Tensor; grads: tf.Tensor[] };

/** The nodes on a path from some x to y, each with only the inputs that depend on an x. */
function nodesBetween(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const reachedFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      for (const o of node.outputs) fromX.add(o.id);
      reachedFromX.add(node.id);
    }
  }
  const toY = new Set([y.id]);
  const leadsToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => toY.has(o.id))) {
      for (const t of Object.values(node.inputs)) toY.add(t.id);
      leadsToY.add(node.id);
    }
  }
  const out: TapeNode[] = [];
  for (const node of tape) {
    if (!reachedFromX.has(node.id) || !leadsToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id)) inputs[name] = t;
    out.push({ ...node, inputs });
  }
  return out;
}

let installed = false;

/** Installs the lean backward pass on the engine (once per process). PEFT_LEAN_BACKPROP=0 keeps tfjs's. */
export function installLeanBackprop(): boolean {
  if (process.env.PEFT_LEAN_BACKPROP === '0') return false;
  if (installed) return true;
  const engine = tf.engine() as unknown as EngineInternals;
  const original: Gradients = engine.gradients.bind(engine);
  engine.gradients = (f, xs, dy, allowNoGradients = false) => {
    if (engine.state.gradientDepth > 0) return original(f, xs, dy, allowNoGradients);
    return leanGradients({ engine, f, xs, dy, allowNoGradients });
  };
  installed = true;
  return true;
}

/** Engine.gradients (same checks, same messages): records f's tape, then walks it back leanly. */
function leanGradients(args: { engine: EngineInternals; f: () => tf.Tensor; xs: tf.Tensor[]; dy: tf.Tensor | undefined; allowNoGradients: boolean }): {
  value: tf.Tensor;
  grads: tf.Tensor[];
} {
  const { engine, f, xs, dy, allowNoGradients } = args;
  if (xs.length === 0) throw new Error('gradients() received an empty list of xs.');
  if (dy != null && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
  const y = engine.scopedRun(
    () => engine.startTape(),
    () => engine.endTape(),
    () => engine.tidy('forward', f),
  );
  if (!(y instanceof tf.Tensor)) throw new Error('The result y returned by f() must be a tensor.');
  const tape = engine.state.activeTape ?? [];
  const path = nodesBetween(tape, xs, y);
  if (!allowNoGradients && path.length === 0)
    throw new Error('Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.');
  return engine.tidy('backward', () => {
    const acc = new Map<number, tf.Tensor>([[y.id, dy ?? tf.ones(y.shape)]]);
    const wanted = new Set(xs.map((x) => x.id));
    for (let i = path.length - 1; i >= 0; i--) {
      const node = path[i]!;
      accumulateInputGradients(engine, node, acc);
      releaseNode({ node, acc, wanted, dy });
    }
    const grads = xs.map((x) => acc.get(x.id)!);
    for (const node of tape) for (const t of node.saved ?? []) t.dispose();
    engine.state.activeTape = null;
    return { value: y, grads };
  });
}

/** One step of tfjs's backpropagateGradients: the node's input gradients, added into `acc`. */
function accumulateInputGradients(engine: EngineInternals, node: TapeNode, acc: Map<number, tf.Tensor>): void {
  const dys = node.outputs.map((o) => acc.get(o.id) ?? null);
  if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
  const inputGradients = node.gradient(dys);
  for (const [name, x] of Object.entries(node.inputs)) {
    if (!(name in inputGradients)) throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(inputGradients)}.`);
    const dx = engine.tidy(() => inputGradients[name]!());
    if (dx.dtype !== 'float32')
      throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`);
    if (!tf.util.arraysEqual(dx.shape, x.shape))
      throw new Error(
        `Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`,
      );
    const prev = acc.get(x.id);
    if (!prev) acc.set(x.id, dx);
    else {
      acc.set(x.id, tf.add(prev, dx));
      prev.dispose();
    }
  }
}

/**
 * Frees what only this node needed: nothing earlier on the tape reads its saved tensors or its
 * outputs' gradients (except the gradients asked for, and `dy`, which the caller owns).
 */
function releaseNode(args: { node: TapeNode; acc: Map<number, tf.Tensor>; wanted: Set<number>; dy: tf.Tensor | undefined }): void {
  const { node, acc, wanted, dy } = args;
  const stillUsed = (t: tf.Tensor) => {
    for (const v of acc.values()) if (v === t) return true;
    return false;
  };
  for (const t of node.saved ?? []) t.dispose();
  for (const o of node.outputs) {
    const g = acc.get(o.id);
    if (!g || wanted.has(o.id) || g === dy) continue;
    acc.delete(o.id);
    if (!stillUsed(g)) g.dispose();
  }
}
