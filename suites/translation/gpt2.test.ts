/**
 * English→Russian translation on gpt2: every PEFT method and grid point (sizes from PEFT_PROFILE).
 * Run: `PEFT_PROFILE=smoke npx vitest run suites/translation` (both models); results go to REPORT.md
 * via the report reporter (reporters/report.ts).
 */
import { defineExperimentSuite } from '../shared/experimentSuite.ts';
import { TRANSLATION_THRESHOLDS } from './thresholds.ts';

defineExperimentSuite('translation', 'gpt2', TRANSLATION_THRESHOLDS);
