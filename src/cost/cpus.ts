// The cores `--cpu` names: one list for plan, compile and profile. Per entry the C build has its flags
// (src/cli/c-toolchain.ts), a stack and a flash table (calibration/, from `npm run bench:stack` and
// `npm run bench:flash`), and the profiler a device model (devices.ts) except `generic`: portable C
// without the DSP paths (Cortex-M0+ flags), whose cycles nothing here is calibrated for.
import { UsageError } from '../errors.js';

export const CPUS = ['cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55', 'generic'] as const;
export type Cpu = (typeof CPUS)[number];

/** `cpu` as a Cpu, or a UsageError naming the list. */
export function checkCpu(cpu: string): Cpu {
  if (!(CPUS as readonly string[]).includes(cpu)) throw new UsageError(`--cpu must be one of ${CPUS.join(', ')}, got "${cpu}"`, { cpu });
  return cpu as Cpu;
}
