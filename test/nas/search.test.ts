// The agents: deterministic for a seed, never a member that breaks a constraint, a typed error with the
// smallest figures when no member can fit, and evolution at least as good as random at equal budget.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../src/cost/devices.js';
import { TinyforgeError } from '../../src/errors.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { buildArch } from '../../src/nas/build.js';
import { EfficiencyPredictor } from '../../src/nas/predictor.js';
import { MACS_PROXY, paretoFront, search, violations, type AccuracyPredictor, type Constraints } from '../../src/nas/search.js';
import { extremeArch, parseSpace } from '../../src/nas/space.js';
import { cli } from '../helpers/cli.js';
import { TINY_SPACE } from './fixtures.js';


const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-nas-search-'));
const space = parseSpace(TINY_SPACE);
const predictor = new EfficiencyPredictor(space, { plan: {}, stackCpu: 'cortex-m4', reserveBytes: 0, device: DEVICES['cortex-m4'], mhz: 120 });
const largest = predictor.predict(extremeArch(space, 'largest'));
const smallest = predictor.predict(extremeArch(space, 'smallest'));
// Between the smallest and the largest member: some members fit, some do not.
const constraints: Constraints = { sramBytes: Math.round((smallest.ramBytes + largest.ramBytes) / 2), maxMacs: Math.round((smallest.macs + largest.macs) / 2) };

describe('nas search agents', () => {
  it('evolution with a fixed seed is deterministic and returns only members within every constraint', () => {
    const run = () => search(predictor, { agent: 'evolution', budget: 80, seed: 7, constraints, accuracy: MACS_PROXY, population: 8 });
    const a = run(), b = run();
    expect(a.best.key).toBe(b.best.key);
    expect(a.feasible.map((c) => c.key)).toEqual(b.feasible.map((c) => c.key));
    expect(a.evaluations).toBe(80);
    for (const c of [...a.feasible, a.best, ...a.pareto]) {
      expect(c.efficiency.ramBytes).toBeLessThanOrEqual(constraints.sramBytes!);
      expect(c.efficiency.macs).toBeLessThanOrEqual(constraints.maxMacs!);
    }
    // the constraints bite: the largest member breaks them
    expect(violations(largest, constraints).length).toBeGreaterThan(0);
  });

  it('constraints no member meets: E_BUDGET with the smallest member\'s figures, as plan --json gives them', async () => {
    const model = join(tmp, 'smallest.tflite');
    writeFileSync(model, writeTflite(buildArch(space, extremeArch(space, 'smallest'))));
    const plan = JSON.parse((await cli('plan', model, '--json')).stdout);
    let error: unknown;
    try {
      search(predictor, { agent: 'random', budget: 5, seed: 1, constraints: { sramBytes: plan.ramBytes - 1 }, accuracy: MACS_PROXY });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TinyforgeError);
    expect((error as TinyforgeError).code).toBe('E_BUDGET');
    expect((error as TinyforgeError).message).toContain(`sram ${plan.ramBytes} B > ${plan.ramBytes - 1} B`);
    expect((error as TinyforgeError).details.smallest).toMatchObject({ ramBytes: plan.ramBytes, peakBytes: plan.peakBytes, flashBytes: plan.flashBytes });
    // the CLI: the typed error, and no output file
    const spacePath = join(tmp, 'space.json');
    writeFileSync(spacePath, JSON.stringify(TINY_SPACE));
    const out = join(tmp, 'best.json');
    const r = await cli('nas', 'search', spacePath, '--sram', String(plan.ramBytes - 1), '--budget', '3', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_BUDGET: no member of search space "tiny" meets the constraints/);
    expect(existsSync(out)).toBe(false);
  });

  it('evolution finds at least as good a member as random with the same budget and seed (toy objective)', () => {
    // Toy objective: larger kernels and expand ratios everywhere score higher; MACs cap which fit.
    const toy: AccuracyPredictor = { name: 'toy', label: 'toy', predict: (arch) => arch.stages.flat().reduce((s, b) => s + b.kernel + b.expand, 0) + arch.resolution / 4 };
    for (const seed of [1, 2, 3]) {
      const options = { budget: 120, seed, constraints, accuracy: toy, population: 12, mutationRate: 0.2 };
      const evo = search(predictor, { ...options, agent: 'evolution' });
      const rnd = search(predictor, { ...options, agent: 'random' });
      expect(evo.best.score).toBeGreaterThanOrEqual(rnd.best.score);
    }
  });

  it('the Pareto front keeps exactly the undominated candidates', () => {
    const c = (key: string, score: number, ms: number, ramBytes: number) => ({ arch: extremeArch(space, 'smallest'), key, score, efficiency: { ...smallest, ms, ramBytes } });
    const front = paretoFront([c('a', 1, 1, 100), c('b', 2, 2, 100), c('c', 1, 2, 100), c('d', 2, 2, 50), c('e', 0, 0.5, 200)]);
    expect(front.map((x) => x.key)).toEqual(['e', 'a', 'd']);
  });

  it('nas search writes the best arch (a member nas predict accepts), JSON and an escaped HTML report', async () => {
    const spacePath = join(tmp, 'space-<x>.json');
    writeFileSync(spacePath, JSON.stringify({ ...TINY_SPACE, name: '<script>tiny</script>' }));
    const out = join(tmp, 'best-cli.json');
    const report = join(tmp, 'pareto.html');
    const r = await cli('nas', 'search', spacePath, '--sram', String(constraints.sramBytes), '--agent', 'random', '--budget', '20', '--seed', '4', '--json', '--out', out, '--report', report);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.scoreLabel).toMatch(/MACs-as-proxy/);
    expect(json.best.efficiency.ramBytes).toBeLessThanOrEqual(constraints.sramBytes!);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(json.best.arch);
    const html = readFileSync(report, 'utf8');
    expect(html).not.toContain('<script>tiny');
    expect(html).toContain('&lt;script&gt;tiny');
    const p = await cli('nas', 'predict', spacePath, out, '--json');
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).ramBytes).toBe(json.best.efficiency.ramBytes);
  });
});
