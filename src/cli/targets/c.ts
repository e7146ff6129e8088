// --target c: the model as C99 sources for the user's own Cortex-M (or any C) build: <prefix>.h/.c,
// the kernel library sources the model uses, the generated ABI header and a README with the flags.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeMarkdown } from '../../escape.js';
import { stackEstimate, type StackEstimate } from '../../cost/stack.js';
import { flashOfLowered, type FlashEstimate } from '../../cost/flash.js';
import { graphWeightBytes } from '../../ir/macs.js';
import { compileModel } from '../../pipeline.js';
import { armCpuFlags, kernelsDir, type ArmCpu } from '../c-toolchain.js';
import type { Target } from './types.js';
import { checkCpu, CPUS } from '../../cost/cpus.js';
import { checkPackage, packageLayout, PACKAGES } from './c-packages.js';

export { CPUS } from '../../cost/cpus.js';

function readme(modelName: string, prefix: string, cpu: ArmCpu, files: string[], arenaBytes: number, constBytes: number, symbols: string[], stack: StackEstimate, image: FlashEstimate, packageSection: string[]): string {
  const P = prefix.toUpperCase();
  const flags = cpu === 'generic' ? '(your core\'s flags; any C99 compiler)' : armCpuFlags(cpu).join(' ');
  return [
    `# ${escapeMarkdown(modelName)} as C (tinyforge --target c, ${cpu})`,
    '',
    `- RAM: one arena of ${arenaBytes} bytes (\`${P}_ARENA_BYTES\`), static in \`${prefix}.c\` or yours through \`${prefix}_init(buf)\`;`,
    `  ${stack.staticBytes} bytes of other .data/.bss; and ${stack.stackBytes} bytes of stack under \`${prefix}_invoke()\` at worst (${cpu}, gcc -O2: \`tinyforge plan --cpu ${cpu}\` reports the same figures). Reserve your own stack on top.`,
    `- Flash: ${image.totalBytes} bytes predicted for ${cpu} (gcc -O2, --gc-sections): .text ${image.textBytes} (the kernels listed below, measured, and the model's code), .rodata ${image.rodataBytes} (${constBytes} bytes of constant data: weights, requantization arrays, kernel argument records; and the kernels' tables)${image.dataBytes ? `, .data ${image.dataBytes}` : ''}. .bss ${image.bssBytes} (the static arena and the runtime's pointers).`,
    `- Kernels: ${symbols.join(', ')}.`,
    '',
    '## Build',
    '',
    `Compile every \`.c\` file ${packageSection.length ? 'in `src/`' : 'here'} with your application (C99):`,
    '',
    '```sh',
    `arm-none-eabi-gcc -std=c99 -O2 ${flags} -ffunction-sections -fdata-sections -c *.c`,
    '```',
    '',
    'Link with `-Wl,--gc-sections`. On ARMv7E-M and ARMv8-M Mainline cores with the DSP extension',
    '(Cortex-M4/M7/M33) the kernels use SMLAD/SXTB16 paths (`__ARM_FEATURE_DSP`); elsewhere portable C.',
    'firmware-templates/ in the tinyforge package has startup code, a linker script (RAM overflow fails the',
    'link), a QEMU Makefile and a generic project layout.',
    '',
    ...(packageSection.length ? [...packageSection, ''] : []),
    '## Use',
    '',
    '```c',
    `#include "${prefix}.h"`,
    `${prefix}_init(NULL);                        /* or a 16-byte aligned buffer of ${P}_ARENA_BYTES */`,
    `memcpy(${prefix}_input(0), data, ${P}_INPUT0_BYTES); /* ${P}_INPUT0_TYPE, scale ${P}_INPUT0_SCALE, zero point ${P}_INPUT0_ZERO_POINT */`,
    `int status = ${prefix}_invoke();             /* ${P}_OK == 0 */`,
    `const void *out = ${prefix}_output(0);       /* ${P}_OUTPUT0_BYTES bytes */`,
    '```',
    '',
    'Inputs are consumed by invoke (the memory plan reuses their bytes): write them before every invoke.',
    '',
    '## Files',
    '',
    ...files.map((f) => `- \`${f}\``),
    '',
  ].join('\n');
}

export const cTarget: Target = {
  name: 'c',
  summary: 'C99 sources for Cortex-M (or any C compiler): model.h/model.c + the kernels used',
  addOptions(command) {
    return command
      .option('--cpu <core>', `(--target c) ${CPUS.join('|')}: the core the flags (README, --package cmake), stack and flash figures are for`, 'cortex-m4')
      .option('--prefix <name>', '(--target c) C identifier prefix and file name of the model API', 'model')
      .option('--package <kind>', `(--target c) lay the output out as a library of a build system: ${PACKAGES.join('|')} (sources under src/)`);
  },
  async emit({ graph, plan, modelName, options }) {
    const cpu: ArmCpu = checkCpu(String(options.cpu ?? 'cortex-m4'));
    const prefix = typeof options.prefix === 'string' ? options.prefix : 'model';
    const kind = checkPackage(options.package);
    const compiled = await compileModel(graph, { ...plan, target: 'c', prefix, name: modelName });
    const model = compiled.c;
    const sources = [
      ...compiled.files,
      ...model.kernelFiles.map((f) => ({ path: f, contents: readFileSync(join(kernelsDir(), f), 'utf8') })),
    ];
    const outputTypes = compiled.schedule.outputs.map((o) => o.dtype);
    const layout = kind === null ? null : packageLayout({ kind, modelName, prefix, cpu, sources, outputTypes });
    const files = layout?.files ?? sources;
    const schedule = compiled.schedule;
    const image = flashOfLowered(model.lowered, { inputs: schedule.inputs.length, outputs: schedule.outputs.length, arenaBytes: schedule.arenaBytes, weightBytes: graphWeightBytes(schedule.graph) }, cpu);
    files.push({ path: 'README.md', contents: readme(modelName, prefix, cpu, files.map((f) => f.path), model.arenaBytes, model.constBytes, model.symbols, stackEstimate(model.lowered, cpu), image, layout?.readme ?? []) });
    return {
      compiled,
      files,
      // predicted sections of the model linked into an application (src/cost/flash.ts)
      summary: { cpu, prefix, ...(layout ? { package: kind, library: layout.name } : {}), arenaBytes: model.arenaBytes, constBytes: model.constBytes, kernelCalls: model.lowered.calls.length, textBytes: image.textBytes, rodataBytes: image.rodataBytes, dataBytes: image.dataBytes, bssBytes: image.bssBytes, flashBytes: image.totalBytes, kernels: model.symbols },
      notes: [...(layout ? [`package ${kind}: library ${layout.name}, sources in src/ (README.md says how to use it)`] : []), `predicted for ${cpu} (the model linked with --gc-sections): .text ${image.textBytes} B + .rodata ${image.rodataBytes} B + .data ${image.dataBytes} B = flash ${image.totalBytes} B; .bss ${image.bssBytes} B`],
    };
  },
};
