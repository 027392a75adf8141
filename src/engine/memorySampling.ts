import { tf } from './tf.ts';

export interface MemorySample {
  /** Bytes held by live tensors (tf.memory().numBytes): works on every backend. */
  tensorBytes: number;
  /** Resident set size of the process. */
  rssBytes: number;
}

export function sampleMemory(): MemorySample {
  return { tensorBytes: tf.memory().numBytes, rssBytes: process.memoryUsage().rss };
}

/**
 * Peak memory over a phase (training, inference). tfjs has no allocator peak counter on wasm/cpu,
 * so callers sample at the points where memory is highest (after the backward pass, before
 * gradients are freed); RSS is the operating system's figure and includes the wasm heap, which
 * never shrinks.
 */
export class PeakMemory {
  peakTensorBytes = 0;
  peakRssBytes = 0;
  sample(): MemorySample {
    const s = sampleMemory();
    this.peakTensorBytes = Math.max(this.peakTensorBytes, s.tensorBytes);
    this.peakRssBytes = Math.max(this.peakRssBytes, s.rssBytes);
    return s;
  }
  toJSON(): { peak_tensor_mb: number; peak_rss_mb: number } {
    return { peak_tensor_mb: this.peakTensorBytes / 2 ** 20, peak_rss_mb: this.peakRssBytes / 2 ** 20 };
  }
}
