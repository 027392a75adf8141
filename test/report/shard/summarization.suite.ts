import { fixtureSuite } from './blocks.ts';

fixtureSuite('summarization');
