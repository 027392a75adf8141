import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir } from '../../src/util/paths.ts';
import { numel, readSafetensors, readSafetensorsHeader, serializeSafetensors, type Tensor } from '../../src/models/safetensors.ts';
import { needsShared } from '../helpers/skip.ts';

const shared = sharedDir();
const models = shared ? path.join(shared, 'golden', 'models') : '';
const haveGolden = !!shared && existsSync(models);

function sha256F32(t: Tensor): string {
  expect(t.dtype).toBe('F32');
  return createHash('sha256')
    .update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))
    .digest('hex');
}

describe('safetensors on the golden checkpoints', needsShared(haveGolden ? models : undefined), () => {
  for (const model of ['tiny-gpt2', 'tiny-t5', 'tiny-t5-gated']) {
    it(`${model}/model.safetensors: every tensor matches the golden SHA-256 of its float32 bytes`, () => {
      const file = path.join(models, model, 'model.safetensors');
      const golden = JSON.parse(readFileSync(path.join(models, model, 'golden.json'), 'utf8')) as { weights_sha256_f32: Record<string, string> };
      const { tensors, metadata } = readSafetensors(file);
      expect(metadata).toEqual({ format: 'pt' });
      expect(tensors.size).toBeGreaterThan(10);
      for (const [name, t] of tensors) {
        expect(golden.weights_sha256_f32[name], name).toBeDefined();
        expect(sha256F32(t), name).toBe(golden.weights_sha256_f32[name]);
      }
      if (model === 'tiny-gpt2') {
        // Every state-dict entry is stored except the tied lm_head, which is the same tensor as wte.
        const expected = Object.keys(golden.weights_sha256_f32).filter((k) => k !== 'lm_head.weight');
        expect(new Set(tensors.keys())).toEqual(new Set(expected));
        expect(golden.weights_sha256_f32['lm_head.weight']).toBe(sha256F32(tensors.get('transformer.wte.weight')!));
        expect(tensors.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([64, 192]); // Conv1D [in, out]
      }
      // Our writer lays the same tensors out in the same order, so the data areas are identical.
      const original = readFileSync(file);
      const dataStart = 8 + Number(original.readBigUInt64LE(0));
      const ours = serializeSafetensors(tensors, metadata);
      const oursStart = 8 + Number(Buffer.from(ours).readBigUInt64LE(0));
      expect(Buffer.from(ours.subarray(oursStart)).equals(original.subarray(dataStart))).toBe(true);
      // Header-only reading agrees with the full read.
      const header = readSafetensorsHeader(file);
      expect([...header.tensors.keys()]).toEqual([...tensors.keys()]);
    });
  }

  it('reads every peft adapter file; trainable_state_full holds exactly the trainable parameter count', () => {
    const peft = path.join(models, 'peft');
    const dirs = readdirSync(peft).filter((d) => existsSync(path.join(peft, d, 'adapter_model.safetensors')));
    expect(dirs.length).toBeGreaterThanOrEqual(30);
    for (const d of dirs) {
      const adapter = readSafetensors(path.join(peft, d, 'adapter_model.safetensors'));
      expect(adapter.tensors.size, d).toBeGreaterThan(0);
      for (const [name, t] of adapter.tensors) {
        expect(name.startsWith('base_model.model.') || name === 'prompt_embeddings', `${d}: ${name}`).toBe(true);
        expect(t.dtype).toBe('F32');
        expect(t.data.every((v) => Number.isFinite(v as number))).toBe(true);
      }
      const goldenFile = path.join(peft, d, 'golden.json');
      const fullFile = path.join(peft, d, 'trainable_state_full.safetensors');
      if (!existsSync(goldenFile) || !existsSync(fullFile)) continue;
      const golden = JSON.parse(readFileSync(goldenFile, 'utf8')) as { param_counts: { trainable_params: number } };
      const full = readSafetensors(fullFile);
      const count = [...full.tensors.values()].reduce((s, t) => s + numel(t.shape), 0);
      expect(count, d).toBe(golden.param_counts.trainable_params);
    }
  });

  it('LoRA adapters have the documented shapes (lora_A [r, in], lora_B [out, r])', () => {
    const { tensors } = readSafetensors(path.join(models, 'peft', 'tiny-gpt2__lora', 'adapter_model.safetensors'));
    expect(tensors.get('base_model.model.transformer.h.0.attn.c_attn.lora_A.weight')!.shape).toEqual([4, 64]);
    expect(tensors.get('base_model.model.transformer.h.0.attn.c_attn.lora_B.weight')!.shape).toEqual([192, 4]);
  });
});
