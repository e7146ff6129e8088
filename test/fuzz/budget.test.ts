// The fuzz budget itself: a case that hangs, one that holds memory past the limit and one that throws a
// plain Error each come back as that failure, named by its id, and the cases after them still run.
import { describe, expect, it } from 'vitest';
import { runBudgeted, violation } from './budget.js';
import type { FuzzCase } from './structure.js';
import { seedModels, structureCase } from './structure.js';

describe('per-case budget', () => {
  it('reports a hang, a memory hog and a crash by case id and goes on with the next cases', async () => {
    const seed = seedModels()[0]!;
    const probe = (id: string): FuzzCase => ({ id, seed: 0, cls: 'order', how: id, bytes: new Uint8Array(0) });
    const good = structureCase(seed, 0, 4);
    const cases = [probe('@hang'), probe('@hold'), good, probe('@throw'), structureCase(seed, 0, 7)];
    const results = await runBudgeted(cases, { ms: 2000, mb: 384 });
    expect(results.get('@hang')!.outcome).toBe('timeout');
    expect(results.get('@hold')!.outcome).toBe('memory');
    expect(results.get('@throw')!.outcome).toBe('crash');
    for (const id of ['@hang', '@hold', '@throw']) expect(violation(results.get(id)!)).toMatch(/timeout|memory|not a TinyforgeError/);
    for (const c of [good, cases[4]!]) expect(['accepted', 'refused']).toContain(results.get(c.id)!.outcome);
  }, 120_000);
});
