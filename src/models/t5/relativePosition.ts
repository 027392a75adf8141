/**
 * T5's relative position bucket (transformers' _relative_position_bucket), in float32 where torch
 * computes in float32 so that bucket boundaries fall exactly where they do in PyTorch.
 * `relative` = key position − query position.
 */
export function relativePositionBucket(relative: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let bucket = 0;
  let n = numBuckets;
  let r: number;
  if (bidirectional) {
    n = Math.floor(n / 2);
    if (relative > 0) bucket += n;
    r = Math.abs(relative);
  } else {
    r = -Math.min(relative, 0);
  }
  const maxExact = Math.floor(n / 2);
  if (r < maxExact) return bucket + r;
  const f = Math.fround;
  const logRatio = f(Math.log(f(f(r) / maxExact)));
  const large = maxExact + Math.trunc(f(f(logRatio / Math.log(maxDistance / maxExact)) * (n - maxExact)));
  return bucket + Math.min(large, n - 1);
}
