/**
 * Summarization on t5 (Debian package description → one-line synopsis, or the synthetic news task
 * when the shared data is absent): every PEFT method and grid point (sizes from PEFT_PROFILE).
 * Run: `PEFT_PROFILE=smoke npx vitest run suites/summarization` (both models, and the news blocks).
 */
import { defineExperimentSuite } from '../shared/experimentSuite.ts';
import { SUMMARIZATION_THRESHOLDS } from './thresholds.ts';

defineExperimentSuite('summarization', 't5', SUMMARIZATION_THRESHOLDS);
