/**
 * Where a report goes. The committed REPORT.md (repository root) comes from the `standard` profile;
 * smoke and full runs write to reports/<profile>/ (ignored by git) so that a quick local run never
 * overwrites it. PEFT_REPORT_DIR overrides both.
 */
import path from 'node:path';
import { REPO_ROOT } from '../util/paths.ts';

export function reportDir(profiles: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEFT_REPORT_DIR) return path.resolve(env.PEFT_REPORT_DIR);
  if (profiles.length === 1 && profiles[0] === 'standard') return REPO_ROOT;
  return path.join(REPO_ROOT, 'reports', profiles.length === 1 ? profiles[0]! : 'mixed');
}

/** The benchmark JSON shown in the report: PEFT_BENCH_JSON, else report-assets/bench.json beside it. */
export function benchJsonFor(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.PEFT_BENCH_JSON ? path.resolve(env.PEFT_BENCH_JSON) : path.join(dir, 'report-assets', 'bench.json');
}
