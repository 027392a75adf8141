/**
 * What the report knows of every method (src/peft/methodInfo.ts), for the programs that render it
 * without attaching anything (`peft-lab report`, the report reporter): these modules load no tensor
 * engine, unlike plugins/index.ts. The same methods as ALL_PLUGINS, whose plugins carry these infos
 * (test/architecture/methodInfos.test.ts checks both).
 */
import { registerMethodInfo, type MethodInfo } from '../src/peft/methodInfo.ts';
import { loraInfo } from './lora/info.ts';
import { qloraInfo } from './qlora/info.ts';
import { adaloraInfo } from './adalora/info.ts';
import { ia3Info } from './ia3/info.ts';
import { promptTuningInfo } from './prompt_tuning/info.ts';
import { prefixTuningInfo, pTuningV2Info } from './prefix_tuning/info.ts';
import { pTuningInfo } from './p_tuning/info.ts';
import { fullInfo } from './full/info.ts';

/** In ALL_PLUGINS' order. */
export const ALL_METHOD_INFOS: readonly MethodInfo[] = [
  loraInfo,
  qloraInfo,
  adaloraInfo,
  ia3Info,
  promptTuningInfo,
  prefixTuningInfo,
  pTuningV2Info,
  pTuningInfo,
  fullInfo,
];

export function registerAllMethodInfos(): void {
  for (const i of ALL_METHOD_INFOS) registerMethodInfo(i);
}
