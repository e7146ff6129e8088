// The fast path composes a member's figures from its pieces (stem, blocks, tail), each planned alone with and
// without overlaps and the whole graph's choice between the two made over the chain: the composed MACs, arena,
// stack and kernel variants equal the whole graph's through the planner, flash is within the constants the
// whole graph shares between pieces, and the search re-checks what it returns.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../src/builder/index.js';
import { DEVICES } from '../../src/cost/devices.js';
import { archPieces, buildArch, buildPiece } from '../../src/nas/build.js';
import { EfficiencyPredictor, type PredictorOptions } from '../../src/nas/predictor.js';
import { MACS_PROXY, sampleArch, search } from '../../src/nas/search.js';
import { parseSpace } from '../../src/nas/space.js';
import { spacePieces } from '../../src/nas/fragments.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { TINY_SPACE } from './fixtures.js';

const space = parseSpace(TINY_SPACE);
const options: PredictorOptions = { plan: {}, stackCpu: 'cortex-m4', reserveBytes: 0, device: DEVICES['cortex-m4'], mhz: 120 };

describe('nas efficiency predictor: composed from pieces', () => {
  it('the pieces are the whole graph cut at its block boundaries (same op kinds in the same order)', () => {
    const arch = sampleArch(space, new Xorshift32(3));
    const whole = buildArch(space, arch).ops.map((o) => o.kind);
    const pieces = archPieces(space, arch).flatMap((p) => buildPiece(p).ops.map((o) => o.kind));
    expect(pieces).toEqual(whole);
  });

  it('on 40 random members: MACs, arena and stack equal the whole graph planned; flash within 1%, instructions within 2%', () => {
    const p = new EfficiencyPredictor(space, options);
    const rng = new Xorshift32(11);
    for (let i = 0; i < 40; i++) {
      const arch = sampleArch(space, rng);
      const fast = p.predict(arch);
      const exact = p.exact(arch);
      expect(fast.macs).toBe(exact.macs);
      expect(fast.peakBytes).toBe(exact.peakBytes);
      expect(fast.stackBytes).toBe(exact.stackBytes);
      expect(fast.staticBytes).toBe(exact.staticBytes);
      expect(Math.abs(fast.flashBytes - exact.flashBytes) / exact.flashBytes).toBeLessThan(0.01);
      expect(Math.abs(fast.instructions - exact.instructions) / exact.instructions).toBeLessThan(0.02);
    }
    // Pieces are shared: 40 members need far fewer pieces than their blocks.
    expect(p.piecesBuilt).toBeLessThan(40 * 4);
  });

  it('--patch plans only whole graphs: predict is exact there', () => {
    const p = new EfficiencyPredictor(space, { ...options, plan: { patch: 'auto' } });
    const arch = sampleArch(space, new Xorshift32(5));
    expect(p.predict(arch)).toBe(p.exact(arch));
    expect(p.piecesBuilt).toBe(0);
  });

  it("a search's best and Pareto front carry the whole graph's figures", () => {
    const p = new EfficiencyPredictor(space, options);
    const r = search(p, { agent: 'random', budget: 60, seed: 2, constraints: {}, accuracy: MACS_PROXY });
    for (const c of [r.best, ...r.pareto]) expect(c.efficiency).toEqual(p.exact(c.arch));
  });
});

describe('nas search on worker threads', () => {
  it("spacePieces lists every piece a member is made of", () => {
    const keys = new Set(spacePieces(space).map((p) => JSON.stringify(p.kind === 'block' ? { ...p, name: '' } : p)));
    const rng = new Xorshift32(4);
    for (let i = 0; i < 50; i++) {
      for (const p of archPieces(space, sampleArch(space, rng))) expect(keys.has(JSON.stringify(p.kind === 'block' ? { ...p, name: '' } : p))).toBe(true);
    }
  });

  it('the built CLI with the pieces planned on 2 threads prints what 1 thread prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-nas-threads-'));
    const spacePath = join(dir, 'space.json');
    writeFileSync(spacePath, JSON.stringify(TINY_SPACE));
    const run = (threads: number) =>
      promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin/tinyforge.js'), 'nas', 'search', spacePath, '--budget', '120', '--sram', '40K', '--json', '--threads', String(threads)]);
    const [one, two] = await Promise.all([run(1), run(2)]);
    expect(two.stderr).toMatch(/planned the \d+ pieces of space tiny on 2 threads/);
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
    expect(JSON.parse(one.stdout).evaluations).toBe(120);
  }, 120_000);
});
