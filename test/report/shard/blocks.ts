/** One fixture "suite file": the tests a real suite block has, each attaching what the real one does. */
import { describe, it } from 'vitest';
import '../../../src/report/taskMeta.ts';
import { blockFixture } from '../fixtures.ts';

export function fixtureSuite(task: 'translation' | 'summarization'): void {
  for (const family of ['gpt2', 't5'] as const) {
    describe(`${task} · ${family}`, () => {
      const f = blockFixture(task, family);
      for (const e of f.experiments) it(e.label, ({ task: t }) => void (t.meta.peftLab = { experiment: e }));
      it(f.skipped.label, ({ task: t, skip }) => {
        t.meta.peftLab = { skipped: f.skipped };
        skip(f.skipped.reason);
      });
      it('significance against LoRA r=8 and full fine-tuning', ({ task: t }) => void (t.meta.peftLab = { comparison: f.comparison }));
      it('decoding strategies on the best adapters', ({ task: t }) => void (t.meta.peftLab = { decoding: f.decoding }));
    });
  }
}
