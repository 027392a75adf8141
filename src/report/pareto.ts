/**
 * Pareto frontiers: the runs no other run beats on both axes at once (higher quality at no more
 * cost). Cost is what a method spends: trainable parameters, peak memory, or seconds per epoch.
 */

/**
 * The non-dominated items, cheapest first. An item is dominated when another costs no more and
 * scores at least as well, with one of the two strictly better; exact ties keep the first item.
 */
export function paretoFrontier<T>(items: readonly T[], cost: (t: T) => number, quality: (t: T) => number): T[] {
  const valid = items.filter((t) => Number.isFinite(cost(t)) && Number.isFinite(quality(t)));
  const sorted = valid.map((t, i) => ({ t, i })).sort((a, b) => cost(a.t) - cost(b.t) || quality(b.t) - quality(a.t) || a.i - b.i);
  const out: T[] = [];
  let best = -Infinity;
  for (const { t } of sorted) {
    if (quality(t) > best) {
      out.push(t);
      best = quality(t);
    }
  }
  return out;
}
