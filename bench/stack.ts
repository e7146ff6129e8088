// `npm run bench:stack [-- --no-write]`: the worst-case stack of the generated C, per --cpu, from the real
// arm-none-eabi-gcc. Writes src/cost/calibration/stack-<cpu>.json, which `plan` (src/cost/stack.ts) and
// the qemu engines read.
//
// Method. The kernel library, a generated model.c (kws_ref_model) and the qemu harness (startup.c,
// semihost.c, qemu_main.c) are compiled with the library's flags plus -fstack-usage -fcallgraph-info=su.
// From the .ci call graphs (one frame size per function, the direct call edges) each kernel symbol's
// worst static path is its frame plus the deepest of its callees'. Conservative rules:
//   - a call through a pointer (`__indirect_call`) costs the deepest function of the same source file;
//   - a function defined outside these sources (newlib's memcpy, memset, ...) costs LIBRARY_CALL_BYTES;
//   - a frame gcc marks `dynamic` (a variable-length array) records `dynamic: true`; the kernels have none
//     (their scratch is planned in the arena, -Wvla), and src/cost/stack.ts refuses a table that has one.
// model.c's invoke is straight-line calls with constant arguments, so its frame does not depend on the model.
// The harness figures (stack above main's call of model_invoke, .data+.bss of startup, harness and newlib)
// are what the qemu engines add to the plan's figures.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CPUS, stackTableFor } from './stack-table.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared');
const write = !process.argv.includes('--no-write');

for (const cpu of CPUS) {
  const table = await stackTableFor(cpu, shared);
  const deepest = Object.entries(table.kernels).sort((a, b) => b[1].bytes - a[1].bytes)[0]!;
  process.stderr.write(`${cpu}: invoke ${table.invokeFrameBytes} B, deepest kernel ${deepest[0]} ${deepest[1].bytes} B${deepest[1].dynamic ? ' + VLAs' : ''}, static ${table.staticBytes} B, harness stack ${table.harness.stackBytes} B static ${table.harness.staticBytes} B\n`);
  // one kernel per line: a kernel change shows as that kernel's line in the diff
  const { kernels, ...rest } = table;
  const text = JSON.stringify(rest, null, 2).replace(/\n}$/, ',\n  "kernels": {\n' + Object.entries(kernels).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n') + '\n  }\n}');
  if (write) writeFileSync(join(repo, 'src', 'cost', 'calibration', `stack-${cpu}.json`), text + '\n');
}
