/**
 * The extractive context of the news blocks: Lead-k and the greedy oracle on each dataset's test
 * articles (newsSuite.ts), the reference rows the news tables are read against.
 */
import { defineNewsContext } from './newsSuite.ts';

defineNewsContext();
