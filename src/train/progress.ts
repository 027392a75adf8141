/**
 * Progress on stderr: a self-updating line with ETA on a terminal, plain periodic lines otherwise
 * (CI logs), so long runs are never silent and logs stay readable.
 */
export class Progress {
  private lastPrint = 0;
  private readonly tty = process.stderr.isTTY === true;
  constructor(
    readonly label: string,
    readonly total: number,
    readonly quiet = false,
    readonly everyMs = 10_000,
  ) {}

  update(done: number, extra: string): void {
    if (this.quiet) return;
    const now = Date.now();
    if (!this.tty && now - this.lastPrint < this.everyMs && done < this.total) return;
    const elapsed = (now - this.start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : NaN;
    const line = `${this.label} ${done}/${this.total} ${extra} elapsed ${fmt(elapsed)} eta ${Number.isFinite(eta) ? fmt(eta) : '?'}`;
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
