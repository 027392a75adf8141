/**
 * Runs before every test file. Many kernel tests select tfjs's CPU backend directly (not through
 * initBackend), so its "install our node backend" banner is silenced here too: test logs stay
 * readable and test/cli/banner.test.ts checks the CLI on its own. Every PEFT method is registered
 * here, as a program does where it starts.
 */
import { silenceCpuBanner } from '../../src/engine/backend.ts';
import { registerAllPlugins } from '../../plugins/index.ts';

silenceCpuBanner();
registerAllPlugins();
