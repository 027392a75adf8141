import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinDocuments, packCausal } from '../../src/pretrain/packing.ts';

describe('causal packing (GPT-2 / run_clm group_texts)', () => {
  it('joins documents with the separator after each one', () => {
    expect([...joinDocuments([[7, 8], [9], []], 5)]).toEqual([7, 8, 5, 9, 5, 5]);
  });

  it('cuts full blocks only, labels = inputs, blocks tile the stream in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 6, max: 8191 }), { maxLength: 40 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 64 }),
        (docs, block) => {
          const stream = joinDocuments(docs, 5);
          const blocks = packCausal(stream, block);
          expect(blocks).toHaveLength(Math.floor(stream.length / block));
          for (const b of blocks) {
            expect(b.input_ids).toHaveLength(block);
            expect(b.labels).toEqual(b.input_ids);
          }
          expect(blocks.flatMap((b) => b.input_ids)).toEqual([...stream.slice(0, blocks.length * block)]);
          // every document boundary is marked: one separator per document
          expect([...stream].filter((t) => t === 5)).toHaveLength(docs.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
