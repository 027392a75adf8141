import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tf, type Tensor } from '../engine/tf.ts';
import { readSafetensors, serializeSafetensors, toFloat32, type Tensor as StTensor } from '../models/safetensors.ts';
import type { Adapter, JsonValue } from '../peft/adapter.ts';
import { UserError } from '../util/errors.ts';

/**
 * A method's training state in a checkpoint (AdapterBase.trainingState): its tensors in one
 * safetensors file, its JSON values beside them together with the method's name, so a checkpoint of
 * another method is refused rather than half-restored. Methods without such state write neither file.
 */
export const PLUGIN_STATE_TENSORS = 'plugin_state.safetensors';
export const PLUGIN_STATE_JSON = 'plugin_state.json';

interface PluginStateDocument {
  method: string;
  values: Record<string, JsonValue>;
}

/** The checkpoint files (name → contents) for the adapter's training state; empty when it has none. */
export function pluginStateFiles(adapter: Adapter, method: string): Record<string, string | Uint8Array> {
  const state = adapter.trainingState?.();
  if (!state) return {};
  try {
    const tensors = new Map<string, StTensor>(
      [...state.tensors].map(([k, t]) => [k, { dtype: 'F32' as const, shape: [...t.shape], data: Float32Array.from(t.dataSync()) }]),
    );
    const doc: PluginStateDocument = { method, values: state.values };
    return { [PLUGIN_STATE_TENSORS]: serializeSafetensors(tensors), [PLUGIN_STATE_JSON]: JSON.stringify(doc) };
  } finally {
    tf.dispose([...state.tensors.values()]);
  }
}

/**
 * Restores the adapter's training state from checkpoint `dir`. A method that keeps such state
 * cannot resume exactly from a checkpoint without it, so that is an error rather than a silent
 * restart of the state.
 */
export function restorePluginState(adapter: Adapter, method: string, dir: string): void {
  const jsonFile = path.join(dir, PLUGIN_STATE_JSON);
  const has = existsSync(jsonFile);
  if (!adapter.loadTrainingState) {
    if (has) throw new UserError(`${jsonFile}: this checkpoint holds training state that method '${method}' does not keep (a checkpoint of another method?)`);
    return;
  }
  if (!has)
    throw new UserError(
      `${dir}: the checkpoint lacks ${PLUGIN_STATE_JSON}, which '${method}' needs to resume exactly (written by an older version?); train again without resuming`,
    );
  let doc: PluginStateDocument;
  try {
    doc = JSON.parse(readFileSync(jsonFile, 'utf8')) as PluginStateDocument;
  } catch (e) {
    throw new UserError(`${jsonFile}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.values !== 'object' || doc.values === null || Array.isArray(doc.values))
    throw new UserError(`${jsonFile}: expected {"method": …, "values": {…}}`);
  if (doc.method !== method) throw new UserError(`${jsonFile}: the checkpoint was written by method '${String(doc.method)}', this run uses '${method}'`);
  const st = readSafetensors(path.join(dir, PLUGIN_STATE_TENSORS));
  const tensors = new Map<string, Tensor>([...st.tensors].map(([k, t]) => [k, tf.tensor(toFloat32(t), t.shape, 'float32')]));
  try {
    adapter.loadTrainingState({ tensors, values: doc.values }, dir);
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
