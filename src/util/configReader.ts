import { showKeys, showValue, UserError } from './errors.ts';

/**
 * Reads the fields of a config object written by hand (adapter configs, TrainingArguments, experiment
 * files) with validation. Every error names where the config came from (e.g. the method), the field
 * and what is allowed, because users write these configs by hand (EXPERIMENT.json, adapter_config.json).
 */
export class ConfigReader {
  private readonly used = new Set<string>();
  /**
   * peft writes null for every unset Optional field, so null means "the default" by default; files
   * whose fields are never null (TrainingArguments) pass {nullIsDefault: false}, and a null there is
   * an error rather than a silent default.
   */
  constructor(
    readonly raw: Record<string, unknown>,
    readonly where: string,
    private readonly opts: { nullIsDefault?: boolean } = {},
  ) {}

  private fail(field: string, want: string): never {
    throw new UserError(`${this.where}: '${field}' must be ${want}, got ${showValue(this.raw[field])}`);
  }

  has(field: string): boolean {
    const v = this.raw[field];
    return v !== undefined && (v !== null || this.opts.nullIsDefault === false);
  }

  int(field: string, dflt: number, min = 0): number {
    this.used.add(field);
    if (!this.has(field)) return dflt;
    const v = this.raw[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(field, `an integer >= ${min}`);
    return v;
  }

  num(field: string, dflt: number, range: { min?: number; max?: number; exclusiveMin?: boolean } = {}): number {
    this.used.add(field);
    if (!this.has(field)) return dflt;
    const v = this.raw[field];
    const { min, max, exclusiveMin } = range;
    if (typeof v !== 'number' || !Number.isFinite(v) || (min !== undefined && (exclusiveMin ? v <= min : v < min)) || (max !== undefined && v > max))
      this.fail(field, `a number${min !== undefined ? (exclusiveMin ? ` > ${min}` : ` >= ${min}`) : ''}${max !== undefined ? ` <= ${max}` : ''}`);
    return v;
  }

  bool(field: string, dflt: boolean): boolean {
    this.used.add(field);
    if (!this.has(field)) return dflt;
    const v = this.raw[field];
    if (typeof v !== 'boolean') this.fail(field, 'true or false');
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], dflt: T): T {
    this.used.add(field);
    if (!this.has(field)) return dflt;
    const v = this.raw[field];
    if (typeof v !== 'string' || !allowed.includes(v as T)) this.fail(field, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return v as T;
  }

  str(field: string, dflt: string | null): string | null {
    this.used.add(field);
    if (!this.has(field)) return dflt;
    const v = this.raw[field];
    if (typeof v !== 'string') this.fail(field, 'a string');
    return v;
  }

  /** A list of strings, or one string (a full-match regex in peft's target_modules semantics). */
  strings(field: string, dflt: string[] | string | null): string[] | string | null {
    this.used.add(field);
    if (!this.has(field)) return dflt;
    const v = this.raw[field];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    this.fail(field, 'a string (regex) or a list of module names');
  }

  ints(field: string): number[] | number | null {
    this.used.add(field);
    if (!this.has(field)) return null;
    const v = this.raw[field];
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return v as number[];
    this.fail(field, 'an integer or a list of integers');
  }

  record<T>(field: string, check: (v: unknown) => v is T, want: string): Record<string, T> {
    this.used.add(field);
    if (!this.has(field)) return {};
    const v = this.raw[field];
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every(check)) this.fail(field, want);
    return v as Record<string, T>;
  }

  /** Marks fields that peft writes but that do not change the computation here. */
  ignore(...fields: string[]): void {
    for (const f of fields) this.used.add(f);
  }

  /** Unknown fields are an error: a typo ("lora_aplha") must not silently fall back to a default. */
  rejectUnknown(): void {
    const unknown = Object.keys(this.raw).filter((k) => !this.used.has(k));
    if (unknown.length) throw new UserError(`${this.where}: unknown field(s) ${showKeys(unknown)}; valid: ${[...this.used].sort().join(', ')}`);
  }
}
