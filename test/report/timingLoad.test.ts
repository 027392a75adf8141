import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/model.ts';
import { renderMarkdown } from '../../src/report/render.ts';
import { experimentIn, reportInput } from './fixtures.ts';

const BLOCK = 'English → Russian translation · gpt2';

/** The gpt2 translation fixture, LoRA r=8 trained while another job took 35% of the CPU and IA³'s load not recorded. */
function loadedInput() {
  const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
  experimentIn(input, 'translation', 'gpt2', 'LoRA r=8 α=16').training!.machine_load = {
    others_cpu_share: 0.35,
    load_1m_start: 2.1,
    load_1m_end: 3.4,
    cores: 2,
  };
  delete experimentIn(input, 'translation', 'gpt2', 'IA³').training!.machine_load;
  return input;
}

function blockOf(input: ReturnType<typeof reportInput>) {
  return buildReport(input)
    .view.tasks.flatMap((t) => t.blocks)
    .find((b) => b.title.startsWith(BLOCK))!;
}

describe('speeds not taken on an idle machine', () => {
  it('stay out of the time frontier, named with why, and keep their place on the other axes', () => {
    const b = blockOf(loadedInput());
    const time = b.frontiers.find((f) => f.axis === 'seconds per epoch')!;
    expect(time.points.map((p) => p.label)).not.toContain('LoRA r=8 α=16');
    expect(time.points.map((p) => p.label)).not.toContain('IA³');
    expect(time.left_out).toEqual([
      'LoRA r=8 α=16 (trained under load: other processes used 35.0% of the CPU (1-minute load average 2.1 → 3.4 on 2 cores))',
      "IA³ (trained: the machine's load was not recorded)",
    ]);
    const trainable = b.frontiers.find((f) => f.axis.startsWith('trainable'))!;
    expect(trainable.left_out).toEqual([]);
    expect(trainable.points.map((p) => p.label)).toContain('LoRA r=8 α=16');
  });

  it('are noted beside the detail tables and in the time of the summary, idle runs never', () => {
    const input = loadedInput();
    const rows = blockOf(input).rows;
    expect(rows.find((r) => r.label === 'LoRA r=8 α=16')!.speed_note).toMatch(/^trained under load: other processes used 35\.0% of the CPU/);
    expect(rows.find((r) => r.label === 'full fine-tuning')!.speed_note).toBeNull();
    const md = renderMarkdown(buildReport(input).view);
    expect(md).toContain('Left out of this chart, their training not timed on an idle machine: LoRA r=8 α=16 (trained under load');
    expect(md).toContain("- IA³, speeds not an idle machine's: trained: the machine's load was not recorded.");
    expect(md).not.toContain("full fine-tuning, speeds not an idle machine's");
    expect(md).toMatch(/the best adapter, LoRA r=8 α=16, trains [\d.]+% of the parameters in [\d,]+ s \(not timed on an idle machine\)/);
    expect(md).toMatch(/full fine-tuning trains [\d.]+% in [\d,]+ s for /);
  });

  it('from generation alone still get the note, but keep their training time on the frontier', () => {
    const input = reportInput([{ task: 'translation', family: 'gpt2' }]);
    experimentIn(input, 'translation', 'gpt2', 'full fine-tuning').inference.machine_load = {
      others_cpu_share: 0.5,
      load_1m_start: 3,
      load_1m_end: 3,
      cores: 2,
    };
    const b = blockOf(input);
    expect(b.rows.find((r) => r.label === 'full fine-tuning')!.speed_note).toMatch(/^generated under load: other processes used 50\.0%/);
    expect(b.frontiers.find((f) => f.axis === 'seconds per epoch')!.left_out).toEqual([]);
  });
});
