import { createRequire } from 'node:module';
import { tf } from './tf.ts';
import { UserError } from '../util/errors.ts';
import { registerKernelOverrides } from './kernels/index.ts';

/** The backends we know, fastest first. `tensorflow` is what tfjs-node and tfjs-node-gpu register. */
export const BACKEND_ORDER = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_ORDER)[number];

export interface BackendInfo {
  /** Which package provides the kernels (what users asked for with PEFT_BACKEND). */
  choice: BackendChoice;
  /** The tfjs backend name actually active (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  /** Why faster choices were skipped (e.g. "tfjs-node: not installed"). */
  skipped: string[];
  /** Kernel overrides in effect (see src/engine/kernels). */
  overrides: string[];
  tfjsVersion: string;
}

let active: BackendInfo | undefined;
const require = createRequire(import.meta.url);

async function tryNative(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<string | undefined> {
  try {
    require.resolve(pkg);
  } catch {
    return `${pkg}: not installed`;
  }
  try {
    await import(pkg);
    return undefined;
  } catch (e) {
    return `${pkg}: failed to load (${(e as Error).message.split('\n')[0]})`;
  }
}

async function activate(choice: BackendChoice): Promise<string | undefined> {
  if (choice === 'tfjs-node-gpu' || choice === 'tfjs-node') {
    const why = await tryNative(choice === 'tfjs-node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu');
    if (why) return why;
    return (await tf.setBackend('tensorflow')) ? undefined : `${choice}: the tensorflow backend did not initialise`;
  }
  try {
    const ok = await tf.setBackend(choice);
    await tf.ready();
    return ok ? undefined : `${choice}: did not initialise`;
  } catch (e) {
    return `${choice}: ${(e as Error).message.split('\n')[0]}`;
  }
}

function normalise(name: string): BackendChoice | undefined {
  const n = name.trim().toLowerCase();
  if (n === 'tensorflow' || n === 'node' || n === 'tfjs-node') return 'tfjs-node';
  if (n === 'gpu' || n === 'tfjs-node-gpu') return 'tfjs-node-gpu';
  if (n === 'wasm' || n === 'cpu') return n;
  return undefined;
}

/**
 * Selects the compute backend once per process: PEFT_BACKEND forces one (and fails clearly if it is
 * not available), otherwise the fastest that loads wins. Every result records the returned info.
 */
export async function initBackend(requested: string | undefined = process.env.PEFT_BACKEND): Promise<BackendInfo> {
  if (active && (!requested || normalise(requested) === active.choice)) return active;
  const skipped: string[] = [];
  let order: readonly BackendChoice[] = BACKEND_ORDER;
  if (requested) {
    const forced = normalise(requested);
    if (!forced)
      throw new UserError(`PEFT_BACKEND='${requested}' is not a backend; valid: ${BACKEND_ORDER.join(', ')}`);
    order = [forced];
  }
  for (const choice of order) {
    const why = await activate(choice);
    if (why) {
      skipped.push(why);
      continue;
    }
    const overrides = registerKernelOverrides(tf.getBackend());
    active = { choice, tfBackend: tf.getBackend(), skipped, overrides, tfjsVersion: tf.version_core };
    return active;
  }
  throw new UserError(
    requested
      ? `PEFT_BACKEND=${requested} is not available here: ${skipped.join('; ')}`
      : `no compute backend could be started: ${skipped.join('; ')}`,
  );
}

/** The backend chosen by initBackend(), or undefined before it ran. */
export function backendInfo(): BackendInfo | undefined {
  return active;
}
