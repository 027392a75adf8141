import { afterAll, describe, expect, it } from 'vitest';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src/engine/tf.ts';
import { BACKEND_CHOICES, selectBackend, type PackageLoader } from '../../src/engine/backend.ts';
import { parseBackendChoice } from '../../src/engine/backendChoices.ts';
import { UserError } from '../../src/util/errors.ts';

/**
 * @tensorflow/tfjs-node-gpu cannot be installed everywhere (its install downloads libtensorflow with
 * CUDA), so these tests give backend selection a stub of it: "loading" it registers the `tensorflow`
 * backend, as the real package does on import.
 */
function stub(packages: Record<string, 'loads' | Error>): PackageLoader & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    loaded,
    installed: (pkg) => pkg in packages,
    async load(pkg) {
      const how = packages[pkg]!;
      if (how instanceof Error) throw how;
      loaded.push(pkg);
      if (!tf.findBackend('tensorflow')) tf.registerBackend('tensorflow', () => new MathBackendCPU());
    },
  };
}

afterAll(async () => {
  await tf.setBackend('cpu');
  tf.removeBackend('tensorflow');
});

describe('backend selection (with a stub of the native packages)', () => {
  it('takes tfjs-node-gpu first when it loads', async () => {
    const loader = stub({ '@tensorflow/tfjs-node-gpu': 'loads', '@tensorflow/tfjs-node': 'loads' });
    const info = await selectBackend(undefined, loader);
    expect(info).toMatchObject({ choice: 'tfjs-node-gpu', tfBackend: 'tensorflow', skipped: [] });
    expect(loader.loaded).toEqual(['@tensorflow/tfjs-node-gpu']);
  });

  it('says why it passed over a GPU package that is installed but does not load, then takes the next', async () => {
    const loader = stub({
      '@tensorflow/tfjs-node-gpu': new Error('libcudart.so.11.0: cannot open shared object file\nmore'),
      '@tensorflow/tfjs-node': 'loads',
    });
    const info = await selectBackend(undefined, loader);
    expect(info.choice).toBe('tfjs-node');
    expect(info.skipped).toEqual(['@tensorflow/tfjs-node-gpu: failed to load (libcudart.so.11.0: cannot open shared object file)']);
  });

  it('without the native packages: wasm, naming both as not installed', async () => {
    const info = await selectBackend(undefined, stub({}));
    expect(info.choice).toBe('wasm');
    expect(info.skipped).toEqual(['@tensorflow/tfjs-node-gpu: not installed', '@tensorflow/tfjs-node: not installed']);
  });

  it('PEFT_BACKEND forces one: an alias of it, or one clear error naming what is missing', async () => {
    expect((await selectBackend('GPU', stub({ '@tensorflow/tfjs-node-gpu': 'loads' }))).choice).toBe('tfjs-node-gpu');
    await expect(selectBackend('tfjs-node-gpu', stub({}))).rejects.toThrow(
      new UserError('PEFT_BACKEND=tfjs-node-gpu is not available here: @tensorflow/tfjs-node-gpu: not installed'),
    );
    await expect(selectBackend('metal', stub({}))).rejects.toThrow(`PEFT_BACKEND='metal' is not a backend; valid: ${BACKEND_CHOICES.join(', ')}`);
  });

  it('every listed choice parses as itself; aliases map onto listed choices', () => {
    for (const c of BACKEND_CHOICES) expect(parseBackendChoice(c)).toBe(c);
    expect(['tensorflow', 'node', 'gpu'].map((a) => parseBackendChoice(a))).toEqual(['tfjs-node', 'tfjs-node', 'tfjs-node-gpu']);
    expect(parseBackendChoice('webgl')).toBeUndefined();
  });
});
