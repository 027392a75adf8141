/**
 * English→Russian translation: every PEFT method on GPT-2 and T5 (sizes from PEFT_PROFILE).
 * Run: `PEFT_PROFILE=smoke npx vitest run suites/translation`; results go to REPORT.md via the
 * report reporter (reporters/report.ts).
 */
import { defineExperimentSuite } from '../shared/experimentSuite.ts';
import { TRANSLATION_THRESHOLDS } from './thresholds.ts';

defineExperimentSuite('translation', TRANSLATION_THRESHOLDS);
