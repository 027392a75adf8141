/**
 * Summarization (Debian package description → one-line synopsis, or the synthetic news task when the
 * shared data is absent): every PEFT method on GPT-2 and T5 (sizes from PEFT_PROFILE).
 * Run: `PEFT_PROFILE=smoke npx vitest run suites/summarization`.
 */
import { defineExperimentSuite } from '../shared/experimentSuite.ts';
import { SUMMARIZATION_THRESHOLDS } from './thresholds.ts';

defineExperimentSuite('summarization', SUMMARIZATION_THRESHOLDS);
