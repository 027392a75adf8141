import { createRequire } from 'node:module';
import { tf } from './tf.ts';
import { UserError } from '../util/errors.ts';
import { registerKernelOverrides } from './kernels/index.ts';
import { BACKEND_CHOICES, parseBackendChoice, unknownBackendMessage, type BackendChoice } from './backendChoices.ts';

export { BACKEND_CHOICES, type BackendChoice };

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

/** The optional native packages, by choice. */
const NATIVE_PACKAGES = { 'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu', 'tfjs-node': '@tensorflow/tfjs-node' } as const;

/**
 * How the optional native packages are found and loaded. Loading one registers tfjs' `tensorflow`
 * backend; tests pass a stub since the packages cannot be installed everywhere.
 */
export interface PackageLoader {
  installed(pkg: string): boolean;
  load(pkg: string): Promise<unknown>;
}

export const nodePackageLoader: PackageLoader = {
  installed(pkg) {
    try {
      require.resolve(pkg);
      return true;
    } catch {
      return false;
    }
  },
  load: (pkg) => import(pkg),
};

async function tryNative(pkg: string, loader: PackageLoader): Promise<string | undefined> {
  if (!loader.installed(pkg)) return `${pkg}: not installed`;
  try {
    await loader.load(pkg);
    return undefined;
  } catch (e) {
    return `${pkg}: failed to load (${(e as Error).message.split('\n')[0]})`;
  }
}

/**
 * tfjs's CPU backend prints a multi-line "install our node backend" banner on its first tensor. Here
 * the CPU backend is a deliberate choice (with native kernels beside it), and the banner would land
 * in every command's output and CI log; it has no switch, so its once-only flag is set in advance on
 * the backend's one instance (findBackend creates it without selecting it). Tests that select the
 * CPU backend themselves call this from their setup file.
 */
export function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}

async function activate(choice: BackendChoice, loader: PackageLoader): Promise<string | undefined> {
  if (choice === 'tfjs-node-gpu' || choice === 'tfjs-node') {
    const why = await tryNative(NATIVE_PACKAGES[choice], loader);
    if (why) return why;
    return (await tf.setBackend('tensorflow')) ? undefined : `${choice}: the tensorflow backend did not initialise`;
  }
  try {
    silenceCpuBanner();
    const ok = await tf.setBackend(choice);
    await tf.ready();
    return ok ? undefined : `${choice}: did not initialise`;
  } catch (e) {
    return `${choice}: ${(e as Error).message.split('\n')[0]}`;
  }
}

/**
 * Activates a compute backend: the one `requested` names (failing clearly if it is not available),
 * otherwise the fastest that loads, in BACKEND_CHOICES order.
 */
export async function selectBackend(requested: string | undefined, loader: PackageLoader = nodePackageLoader): Promise<BackendInfo> {
  const skipped: string[] = [];
  let order: readonly BackendChoice[] = BACKEND_CHOICES;
  if (requested) {
    const forced = parseBackendChoice(requested);
    if (!forced) throw new UserError(unknownBackendMessage(requested));
    order = [forced];
  }
  for (const choice of order) {
    const why = await activate(choice, loader);
    if (why) {
      skipped.push(why);
      continue;
    }
    const overrides = registerKernelOverrides(tf.getBackend());
    return { choice, tfBackend: tf.getBackend(), skipped, overrides, tfjsVersion: tf.version_core };
  }
  throw new UserError(
    requested ? `PEFT_BACKEND=${requested} is not available here: ${skipped.join('; ')}` : `no compute backend could be started: ${skipped.join('; ')}`,
  );
}

/**
 * Selects the compute backend once per process (PEFT_BACKEND forces one); every result records the
 * returned info.
 */
export async function initBackend(requested: string | undefined = process.env.PEFT_BACKEND): Promise<BackendInfo> {
  if (active && (!requested || parseBackendChoice(requested) === active.choice)) return active;
  active = await selectBackend(requested);
  return active;
}

/** The backend chosen by initBackend(), or undefined before it ran. */
export function backendInfo(): BackendInfo | undefined {
  return active;
}
