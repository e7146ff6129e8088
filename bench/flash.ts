// `npm run bench:flash [-- --no-write]`: the generated C's code and constant sections per --cpu, from the
// real arm-none-eabi-gcc. Writes src/cost/calibration/flash-<cpu>.json, which `plan`'s flash figure and
// `compile --target c`'s predicted .text/.rodata/.bss (src/cost/flash.ts) read. Rerun it after changing a
// C kernel (test/c/flash.test.ts fails while the table is stale).
//
// Method. The kernel library is compiled with each cpu's flags (-ffunction-sections -fdata-sections) into
// an archive; each kernel symbol is linked alone (-e symbol, --gc-sections, newlib nano, libgcc) and its
// link map lists the input sections kept: the symbol's own, its callees', newlib's memcpy/memset and
// libgcc's helpers. A model's kernels are the union of its symbols' sections. model.c's code is fitted on
// two demo models (sine-mlp, ds-cnn-kws): fixed functions + invoke's bytes per kernel call.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CPUS, flashTableFor } from './flash-table.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const write = !process.argv.includes('--no-write');

for (const cpu of CPUS) {
  const table = flashTableFor(cpu);
  const text = Object.values(table.sections).filter((s) => s.kind === 'text').reduce((a, s) => a + s.bytes, 0);
  process.stderr.write(`${cpu}: ${Object.keys(table.kernels).length} kernels, library .text ${text} B in ${Object.keys(table.sections).length} sections; model.c ${table.model.textBytes} B + ${table.model.perCallTextBytes} B per call\n`);
  // one section and one kernel per line: a kernel change shows as its lines in the diff
  const { sections, kernels, ...rest } = table;
  const lines = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  const out = JSON.stringify(rest, null, 2).replace(/\n}$/, `,\n  "sections": {\n${lines(sections)}\n  },\n  "kernels": {\n${lines(kernels)}\n  }\n}`);
  if (write) writeFileSync(join(repo, 'src', 'cost', 'calibration', `flash-${cpu}.json`), out + '\n');
}
