/**
 * The compute backends PEFT_BACKEND may name, fastest first: the one list that backend selection,
 * its errors, `peft-lab --help` and `peft-lab doctor` all use. It lives apart from backend.ts so that
 * printing it does not load the tensor library.
 */
export const BACKEND_CHOICES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Other spellings accepted for the same choices (tfjs itself names the native backends 'tensorflow'). */
export const BACKEND_ALIASES: Readonly<Record<string, BackendChoice>> = { tensorflow: 'tfjs-node', node: 'tfjs-node', gpu: 'tfjs-node-gpu' };

/** `PEFT_BACKEND=tfjs-node-gpu|tfjs-node|wasm|cpu`, as help texts show it. */
export const BACKEND_ENV_USAGE = `PEFT_BACKEND=${BACKEND_CHOICES.join('|')}`;

/** The choice a PEFT_BACKEND value names, or undefined when it names none. */
export function parseBackendChoice(name: string): BackendChoice | undefined {
  const n = name.trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(n)) return n as BackendChoice;
  return BACKEND_ALIASES[n];
}

/** The one-line error for a PEFT_BACKEND value that names no backend. */
export function unknownBackendMessage(requested: string): string {
  return `PEFT_BACKEND='${requested}' is not a backend; valid: ${BACKEND_CHOICES.join(', ')}`;
}
