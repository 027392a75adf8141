import { beforeAll } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { promptGoldenSuite } from '../prompt_tuning/promptGolden.ts';

beforeAll(async () => {
  await initBackend();
});

promptGoldenSuite('p_tuning', 'p_tuning');
