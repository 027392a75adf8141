import { beforeAll } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { promptGoldenSuite } from './promptGolden.ts';

beforeAll(async () => {
  await initBackend();
});

promptGoldenSuite('prompt_tuning', 'prompt_tuning');
