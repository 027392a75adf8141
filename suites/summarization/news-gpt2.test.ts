/**
 * News summarization on gpt2: the transfer and few-shot blocks on CNN/DailyMail and XSum (newsSuite.ts).
 * Run: `PEFT_PROFILE=smoke npx vitest run suites/summarization` (both models, the Debian and news blocks).
 */
import { defineNewsBlocks } from './newsSuite.ts';

defineNewsBlocks('gpt2');
