// Which C toolchains this machine has: with CI=true a missing tool fails the suite, elsewhere the suite
// is skipped with a printed notice.
import { haveTool } from '../../src/cli/c-toolchain.js';

export function haveTools(suite: string, tools: string[]): boolean {
  const missing = tools.filter((t) => !haveTool(t));
  if (missing.length === 0) return true;
  const msg = `${suite}: ${missing.join(', ')} not installed (Debian: gcc, g++, gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm, cmake)`;
  if (process.env.CI) throw new Error(`CI=true but ${msg}`);
  console.warn(`[skip] ${msg}`);
  return false;
}
