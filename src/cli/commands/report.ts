import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { readBenchJson } from '../../report/bench.ts';
import type { ReportInput } from '../../report/input.ts';
import { benchJsonFor } from '../../report/location.ts';
import { DEFAULT_TEMPLATE, writeReport } from '../../report/render.ts';
import { writingUnder } from '../../util/envErrors.ts';
import { UserError } from '../../util/errors.ts';
import { printJson, requireString, type Command } from '../command.ts';

export const command: Command = {
  name: 'report',
  summary: 'render REPORT.md again from saved experiment results (e.g. after editing REPORT.md.hbs)',
  usage:
    'peft-lab report --data report-assets/report-data.json [--template REPORT.md.hbs] [--out DIR]\n' +
    "  report-data.json is written beside every report by the suites' reporter; --out defaults to the folder that holds\n" +
    '  its report-assets/; the benchmark table comes from report-assets/bench.json (or PEFT_BENCH_JSON) when present',
  options: { data: { type: 'string' }, template: { type: 'string' }, out: { type: 'string' } },
  async run(values) {
    const dataFile = requireString(values, 'data', 'report');
    if (!existsSync(dataFile))
      throw new UserError(`report: --data '${dataFile}' does not exist (it is written to <report dir>/report-assets/report-data.json)`);
    let input: ReportInput;
    try {
      input = JSON.parse(readFileSync(dataFile, 'utf8')) as ReportInput;
    } catch (e) {
      throw new UserError(`report: --data '${dataFile}' is not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(input.tests)) throw new UserError(`report: --data '${dataFile}' has no "tests" list; expected the report-data.json a report run writes`);
    const template = (values.template as string | undefined) ?? DEFAULT_TEMPLATE;
    if (!existsSync(template)) throw new UserError(`report: --template '${template}' does not exist`);
    const out = (values.out as string | undefined) ?? path.dirname(path.dirname(path.resolve(dataFile)));
    const bench = readBenchJson(benchJsonFor(out)) ?? input.bench;
    // Exactly the data given: re-rendering a data file must not fold in whatever else is in --out.
    const written = await writingUnder(out, () => writeReport({ ...input, bench, generated_at: input.generated_at }, out, template, { merge: false }));
    printJson({ report: written.file, charts: written.charts.length, experiments: written.view.counts.experiments });
  },
};
