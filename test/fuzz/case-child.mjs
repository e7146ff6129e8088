// Runs fuzz cases in a budgeted child process (see budget.ts): each model file through load, plan,
// schedule, the reference kernels in the planned arena (checked against the unplanned interpreter) and
// the C emitter. One JSON line per event on stdout; the parent enforces the time and memory budget.
// Plain JS over dist/ (npm run build), since the child runs without vitest's TypeScript transform.
import { readFileSync } from 'node:fs';

const dist = new URL('../../dist/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const { readTflite } = await load('src/import/tflite/index.js');
const { planModel, scheduleOf } = await load('src/pipeline.js');
const { runSchedule } = await load('src/reference/execute.js');
const { runReference } = await load('src/reference/interpreter.js');
const { xorshiftInputs } = await load('src/reference/inputs.js');
const { emitC } = await load('codegen/c/emit.js');
const { TinyforgeError } = await load('src/errors.js');

const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const digest = (outputs) => outputs.map((o) => Buffer.from(o).toString('base64'));
const { cases } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
say({ ready: true });

for (const c of cases) {
  say({ start: c.id });
  const t0 = performance.now();
  let stage = 'load';
  const result = { id: c.id };
  try {
    // The budget's own check (budget.test.ts): cases that hang, hold memory, or throw a plain Error.
    if (c.file === '@hang') for (;;);
    if (c.file === '@hold') {
      const held = [];
      for (;;) held.push(new Uint8Array(64 << 20).fill(1));
    }
    if (c.file === '@throw') null.x;
    const graph = readTflite(new Uint8Array(readFileSync(c.file)));
    stage = 'plan';
    const planned = planModel(graph, {});
    const schedule = scheduleOf(planned.plan);
    stage = 'inputs';
    const inputs = xorshiftInputs(schedule.graph, 0);
    stage = 'reference';
    const arena = runSchedule(schedule, inputs).outputs;
    const plain = runReference(planned.graph, inputs).outputs;
    stage = 'emit-c';
    emitC(schedule);
    result.outcome = 'accepted';
    result.outputs = digest(arena);
    result.unplanned = digest(plain);
  } catch (e) {
    if (e instanceof TinyforgeError) {
      result.outcome = 'refused';
      result.code = e.code;
      result.message = e.message;
    } else {
      result.outcome = 'crash';
      result.message = e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' | ') : String(e);
    }
    result.stage = stage;
  }
  result.ms = performance.now() - t0;
  result.maxRssMb = process.resourceUsage().maxRSS / 1024;
  say(result);
  // A case that grew the heap makes the next cases' peak meaningless: the parent starts a fresh child.
  if (process.memoryUsage().rss > 256 * 1024 * 1024) process.exit(0);
}
