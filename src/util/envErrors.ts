/**
 * Failures of the machine rather than of the input or the code — a full disk, a read-only folder, a
 * file where a folder should be, the wasm backend's memory used up — described as one line that names
 * the path (where there is one) and what to do. The CLI
 * prints these instead of "internal error", which would send the user looking for a bug.
 */

interface FsError {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
  /** Set by writingUnder: the folder being written when the error itself names no file. */
  folder?: string;
}

const ADVICE: Record<string, { reason: string; fix: string }> = {
  ENOSPC: { reason: 'no space left on the device', fix: 'free some space there, or write to a folder on another disk' },
  EDQUOT: { reason: 'the disk quota is used up', fix: 'free some space in your quota, or write to another folder' },
  EFBIG: { reason: 'the file would be larger than this system allows (ulimit -f or the file system)', fix: 'raise the limit, or write to another file system' },
  EROFS: { reason: 'the file system is read-only', fix: 'choose a writable folder (e.g. an output_dir under your home or /tmp)' },
  EACCES: { reason: 'permission denied', fix: 'fix its permissions (chmod / chown), or choose a folder you can write' },
  EPERM: { reason: 'operation not permitted', fix: 'fix its permissions or attributes, or choose another folder' },
  EISDIR: { reason: 'it is a folder, but a file is needed there', fix: 'give the path of a file, or move the folder away' },
  ENOTDIR: { reason: 'a part of the path is a file, not a folder', fix: 'remove or rename that file, or choose another path' },
  ENOENT: { reason: 'no such file or folder', fix: 'check the path (a folder on the way may be missing or was removed while running)' },
};

const READS = new Set(['read', 'scandir', 'stat', 'lstat', 'access', 'readlink', 'opendir']);

/** Codes that write(2) reports without a path: the folder being written is named instead, when known. */
const PATHLESS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

function fsErrorOf(e: unknown): FsError | undefined {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const c = cur as Partial<FsError>;
    if (typeof c.code === 'string' && ADVICE[c.code] && (typeof c.path === 'string' || PATHLESS.has(c.code))) return c as FsError;
  }
  return undefined;
}

/** "reason (CODE); what to do" for an environment failure, for messages that name the file themselves. */
export function environmentReason(e: unknown): string | undefined {
  const err = fsErrorOf(e);
  if (!err) return undefined;
  const { reason, fix } = ADVICE[err.code]!;
  return `${reason} (${err.code}); ${fix}`;
}

/**
 * The wasm backend keeps every tensor in one WebAssembly heap; past its limit (full fine-tuning of
 * GPT-2 124M, whose weights, gradients and AdamW state alone take ~2 GB, reaches it at batch 1) the
 * next allocation is written out of bounds and WebAssembly stops with this error.
 */
function wasmHeapExhausted(e: unknown): boolean {
  return e instanceof WebAssembly.RuntimeError && /memory access out of bounds/.test(e.message);
}

const WASM_HEAP_ADVICE =
  'the wasm backend ran out of memory (all its tensors share one WebAssembly heap of a few GB, and it went past the end): ' +
  'train fewer parameters (LoRA instead of full fine-tuning), use a smaller batch or shorter sequences, ' +
  'or install @tensorflow/tfjs-node and set PEFT_BACKEND=tfjs-node';

/** One line for an environment failure (also when it is the `cause` of another error), else undefined. */
export function describeEnvironmentError(e: unknown): string | undefined {
  if (wasmHeapExhausted(e)) return WASM_HEAP_ADVICE;
  const err = fsErrorOf(e);
  if (!err) return undefined;
  const verb = err.syscall && READS.has(err.syscall) ? 'read' : 'write';
  const where = err.path !== undefined ? `${err.path}${err.dest ? ` (to ${err.dest})` : ''}` : err.folder !== undefined ? `under ${err.folder}` : 'a file';
  return `cannot ${verb} ${where}: ${environmentReason(err)}`;
}

/**
 * Runs `fn`, which writes under `folder`; a failure that names no file (a full disk is reported by
 * write(2), which knows no path) is labelled with the folder so that the message says where.
 */
export async function writingUnder<T>(folder: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = fsErrorOf(e);
    if (err && err.path === undefined && err.folder === undefined) err.folder = folder;
    throw e;
  }
}

/** Gives a pathless failure of writing `file` that path. */
export function labelWithPath(e: unknown, file: string): unknown {
  const err = fsErrorOf(e);
  if (err && err.path === undefined) err.path = file;
  return e;
}
