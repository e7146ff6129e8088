// Differential test: structure-fuzzed models that load, plan and compile (the first ACCEPTED_PER_MODEL
// accepted per seed model, within the fuzz budget) run on the reference kernels in the planned arena,
// the wasm module and the generated C (host gcc, -fsanitize=address,undefined); every output byte must
// be identical across the three. The C kernel library is compiled once (kernelArchive caches it).
import { describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { kernelLibrary } from '../../src/cli/targets/wasm.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { xorshiftInputs } from '../../src/reference/inputs.js';
import { runSchedule } from '../../src/reference/execute.js';
import { haveTools } from '../c/toolchain.js';
import { runBudgeted, violation } from './budget.js';
import { KNOWN_OPEN } from './known-open.js';
import { seedModels, structureCase, type FuzzCase } from './structure.js';

/** Cases screened per seed model, and how many accepted ones of each go through all engines. */
const SCREENED_PER_MODEL = 16;
const ACCEPTED_PER_MODEL = 2;

const hostOk = haveTools('fuzz differential (host C)', ['gcc', 'ar']);

describe.skipIf(!hostOk)('fuzz-accepted models agree on reference, wasm and C (ASan/UBSan)', () => {
  it(`the first ${ACCEPTED_PER_MODEL} accepted of ${SCREENED_PER_MODEL} cases per seed model: identical output bytes on every engine`, async () => {
    const seeds = seedModels();
    const screened: FuzzCase[] = seeds.flatMap((m, mi) => Array.from({ length: SCREENED_PER_MODEL }, (_, i) => structureCase(m, mi, i)));
    const results = await runBudgeted(screened);
    const chosen = seeds.flatMap((m) =>
      screened.filter((c) => c.id.startsWith(`${m.name}#`) && results.get(c.id)!.outcome === 'accepted' && violation(results.get(c.id)!) === null).slice(0, ACCEPTED_PER_MODEL),
    );
    const library = kernelLibrary(true);
    const disagreements: string[] = [];
    const knownOpen: string[] = [];
    for (const c of chosen) {
      const schedule = scheduleOf(planModel(readTflite(c.bytes), {}).plan);
      const inputs = xorshiftInputs(schedule.graph, 0);
      const reference = runSchedule(schedule, inputs).outputs;
      const wasm = runLoaded(await instantiateEmitted(emitWasm(schedule, { library, simd: true })), inputs);
      const prepared = prepareHostC(schedule, { sanitize: true, timeoutMs: 60_000 });
      let native: Uint8Array[];
      try {
        native = prepared.run(inputs).outputs;
      } finally {
        prepared.dispose();
      }
      const open = KNOWN_OPEN[c.id];
      for (const [engine, outputs] of [['wasm', wasm], ['c', native]] as const) {
        const differ = reference.findIndex((o, i) => outputs[i] === undefined || Buffer.compare(o, outputs[i]!) !== 0);
        const line = `${c.id} (seed ${c.seed}, ${c.how}): ${engine} output ${differ} differs from the reference`;
        if (outputs.length !== reference.length || differ >= 0) (open ? knownOpen : disagreements).push(open ? `item ${open.item}: ${line}` : line);
      }
    }
    // A known-open engine disagreement that now agrees, or is now refused, waits for its entry's removal.
    const nowHolding = screened
      .filter((c) => KNOWN_OPEN[c.id]?.where === 'engines' && !knownOpen.some((line) => line.includes(`${c.id} (`)))
      .map((c) => `${c.id} (item ${KNOWN_OPEN[c.id]!.item}) now holds: remove it from KNOWN_OPEN`);
    if (knownOpen.length) console.log(`${knownOpen.length} known open:\n${knownOpen.join('\n')}`);
    console.log(`differential: ${chosen.length} accepted cases of ${screened.length} screened, each on reference, wasm and C`, chosen.map((c) => `${c.id}: ${c.how}`));
    expect(chosen.length).toBeGreaterThanOrEqual(Math.min(seeds.length * ACCEPTED_PER_MODEL, 8));
    expect(disagreements).toEqual([]);
    expect(nowHolding).toEqual([]);
  }, 600_000);
});
