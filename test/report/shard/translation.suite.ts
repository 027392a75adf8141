import { fixtureSuite } from './blocks.ts';

fixtureSuite('translation');
