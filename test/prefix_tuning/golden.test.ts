import { beforeAll } from 'vitest';
import { initBackend } from '../../src/engine/backend.ts';
import { promptGoldenSuite } from '../prompt_tuning/promptGolden.ts';

beforeAll(async () => {
  await initBackend();
});

promptGoldenSuite('prefix_tuning', 'prefix_tuning');
promptGoldenSuite('prefix_tuning_projection', 'prefix_tuning');
