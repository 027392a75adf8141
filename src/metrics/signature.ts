import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../util/paths.ts';

/**
 * Reproducibility signatures in sacrebleu's format (`nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:…`).
 *
 * The fields and their order are sacrebleu's, so a signature can be compared with one printed by
 * sacrebleu; only the version differs: ours names this tool (`version:peft-lab:0.1.0`), because the
 * numbers come from our re-implementation. `compat` says which upstream release they match.
 */

export type SignatureValue = string | number | boolean;
/** Ordered `key:value` pairs, version excluded (it always goes last). */
export type SignatureFields = ReadonlyArray<readonly [string, SignatureValue]>;

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const PEFT_LAB_VERSION = readPackageVersion();

/** The version field we put in signatures: `peft-lab:<package.json version>`. */
export const SIGNATURE_VERSION = `peft-lab:${PEFT_LAB_VERSION}`;

/** The upstream releases our numbers are tested against (../shared/golden/metrics). */
export const SACREBLEU_COMPAT = 'sacrebleu 2.6.0';
export const ROUGE_SCORE_COMPAT = 'rouge-score 0.1.2';

/** Formats fields as sacrebleu does: booleans become yes/no, version is appended last. */
export function formatSignature(fields: SignatureFields, version: string = SIGNATURE_VERSION): string {
  const parts = fields.map(([k, v]) => `${k}:${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`);
  parts.push(`version:${version}`);
  return parts.join('|');
}
