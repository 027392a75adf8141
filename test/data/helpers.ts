import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sharedDir } from '../../src/util/paths.ts';

/** ../shared/datasets (or PEFT_SHARED_DIR/datasets), or undefined so corpus tests can skip. */
export function sharedDatasets(): string | undefined {
  const dir = sharedDir();
  return dir ? path.join(dir, 'datasets') : undefined;
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'peft-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A character-level tokenizer with registered special tokens: enough to check truncation and
 * masking arithmetic without depending on a trained vocabulary.
 */
export function charTokenizer(special: string[] = []) {
  const ids = new Map(special.map((t, i) => [t, 100_000 + i]));
  const pattern = special.length ? new RegExp(`(${special.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`) : undefined;
  return {
    encode(text: string): number[] {
      const parts = pattern ? text.split(pattern) : [text];
      return parts.flatMap((p) => (ids.has(p) ? [ids.get(p)!] : [...p].map((c) => c.codePointAt(0)!)));
    },
    idOf: (t: string) => ids.get(t)!,
  };
}

export interface RequestLog {
  method: string;
  url: string;
  range?: string;
  authorization?: string;
}

/** An HTTP server on 127.0.0.1 only; the handler sees every request, the log records them. */
export async function loopbackServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const log: RequestLog[] = [];
  const server = createServer((req, res) => {
    log.push({
      method: req.method ?? 'GET',
      url: req.url ?? '',
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
