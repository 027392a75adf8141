/**
 * The directory (or hub name) each model was loaded from, transformers' `name_or_path`: peft's
 * get_peft_model writes it into adapter_config.json as `base_model_name_or_path`, which is how
 * Python's AutoPeftModel finds the base model of an adapter.
 */
const names = new WeakMap<object, string>();

export function recordNameOrPath(model: object, nameOrPath: string): void {
  names.set(model, nameOrPath);
}

/** Where `model` was loaded from, or undefined for a model built in memory. */
export function nameOrPath(model: object): string | undefined {
  return names.get(model);
}
