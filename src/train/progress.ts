/**
 * Progress on stderr: a self-updating line with ETA on a terminal, plain periodic lines otherwise
 * (CI logs), so long runs are never silent and logs stay readable.
 */
export interface ProgressOptions {
  quiet?: boolean;
  /** Plain lines at most this often when not a terminal (default 10 s). */
  everyMs?: number;
  /**
   * A wall-clock budget that ends the run before `total` (pretraining by minutes): the line then
   * shows the steps done and the time left, since the step count is only a ceiling.
   */
  budgetSeconds?: number;
}

export class Progress {
  private lastPrint = 0;
  private readonly tty = process.stderr.isTTY === true;
  private readonly quiet: boolean;
  private readonly everyMs: number;
  private readonly budgetSeconds: number | undefined;
  constructor(
    readonly label: string,
    readonly total: number,
    opts: ProgressOptions = {},
  ) {
    this.quiet = opts.quiet ?? false;
    this.everyMs = opts.everyMs ?? 10_000;
    this.budgetSeconds = opts.budgetSeconds;
  }

  update(done: number, extra: string): void {
    if (this.quiet) return;
    const now = Date.now();
    if (!this.tty && now - this.lastPrint < this.everyMs && done < this.total) return;
    const elapsed = (now - this.start) / 1000;
    const byTime = this.budgetSeconds !== undefined;
    const eta = byTime ? Math.max(0, this.budgetSeconds! - elapsed) : done > 0 ? (elapsed / done) * (this.total - done) : NaN;
    const count = byTime ? `${done}` : `${done}/${this.total}`;
    const line = `${this.label} ${count} ${extra} elapsed ${fmt(elapsed)} ${byTime ? 'left' : 'eta'} ${Number.isFinite(eta) ? fmt(eta) : '?'}`;
    if (this.tty) process.stderr.write(`\r\x1b[K${line}${done >= this.total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
    this.lastPrint = now;
  }

  private readonly start = Date.now();
}

function fmt(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
