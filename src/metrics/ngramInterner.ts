/**
 * Small-integer ids for n-grams, so that counting and clipping run on typed arrays instead of
 * string-keyed maps (the hot path of BLEU, chrF and ROUGE over thousands of segments).
 *
 * An n-gram's id is interned from (id of its first n-1 units, its last unit), so every n-gram of a
 * sequence costs one hash-table probe, and ids of different orders never collide. Equal ids mean
 * equal n-grams, exactly as the tuple/string keys of the Python implementations compare.
 */

/** Id for n-grams whose prefix is unknown (looked-up side only): never matches anything. */
export const UNKNOWN = -1;

export class NgramInterner {
  // Open-addressing hash table from (prefix id, unit) to id; id 0 marks an empty slot. A numeric
  // Map was the bottleneck: its keys, prefix * 2^k + unit, do not fit V8's small integers.
  private prefixes = new Int32Array(1024);
  private units = new Int32Array(1024);
  private ids = new Int32Array(1024);
  private mask = 1023;
  private readonly words = new Map<string, number>();
  private nextId = 1;

  /** Number of ids handed out so far, plus one (a length for count arrays indexed by id). */
  get size(): number {
    return this.nextId;
  }

  /** A unit id for a word (tokens are compared as strings). */
  word(w: string, insert: boolean): number {
    let id = this.words.get(w);
    if (id === undefined) {
      if (!insert) return UNKNOWN;
      id = this.words.size;
      this.words.set(w, id);
    }
    return id;
  }

  private slot(prefix: number, unit: number): number {
    let h = Math.imul(prefix, 0x9e3779b1) ^ Math.imul(unit, 0x85ebca77);
    h ^= h >>> 15;
    let i = h & this.mask;
    while (this.ids[i] !== 0 && (this.prefixes[i] !== prefix || this.units[i] !== unit)) i = (i + 1) & this.mask;
    return i;
  }

  private grow(): void {
    const { prefixes, units, ids } = this;
    const cap = ids.length * 2;
    this.prefixes = new Int32Array(cap);
    this.units = new Int32Array(cap);
    this.ids = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < ids.length; j++)
      if (ids[j] !== 0) {
        const i = this.slot(prefixes[j]!, units[j]!);
        this.prefixes[i] = prefixes[j]!;
        this.units[i] = units[j]!;
        this.ids[i] = ids[j]!;
      }
  }

  private extend(prefix: number, unit: number, insert: boolean): number {
    if (prefix === UNKNOWN || unit === UNKNOWN) return UNKNOWN;
    const i = this.slot(prefix, unit);
    if (this.ids[i] !== 0) return this.ids[i]!;
    if (!insert) return UNKNOWN;
    const id = this.nextId++;
    this.prefixes[i] = prefix;
    this.units[i] = unit;
    this.ids[i] = id;
    if (2 * id > this.ids.length) this.grow();
    return id;
  }

  /**
   * Ids of all n-grams of orders 1..maxOrder over `units`, one array per order (index n-1).
   * With `insert` false, n-grams never seen before get UNKNOWN.
   */
  ngrams(units: ArrayLike<number>, maxOrder: number, insert: boolean): Int32Array[] {
    const out: Int32Array[] = [];
    let prev: Int32Array | undefined;
    for (let n = 1; n <= maxOrder; n++) {
      const count = Math.max(0, units.length - n + 1);
      const ids = new Int32Array(count);
      for (let i = 0; i < count; i++) ids[i] = this.extend(n === 1 ? 0 : prev![i]!, units[i + n - 1]!, insert);
      out.push(ids);
      prev = ids;
    }
    return out;
  }
}

/** Code points of a string as numbers (Python's indexing unit). */
export function codePointUnits(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

/** Σ_g min(count_hyp(g), count_ref(g)) with a scratch array indexed by id (left zeroed). */
export function clippedMatches(hyp: ArrayLike<number>, ref: ArrayLike<number>, scratch: Int32Array): number {
  for (let i = 0; i < ref.length; i++) scratch[ref[i]!]!++;
  let match = 0;
  for (let i = 0; i < hyp.length; i++) {
    const id = hyp[i]!;
    if (id !== UNKNOWN && scratch[id]! > 0) {
      scratch[id]!--;
      match++;
    }
  }
  for (let i = 0; i < ref.length; i++) scratch[ref[i]!] = 0;
  return match;
}
