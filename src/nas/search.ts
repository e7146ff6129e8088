// Search agents over a space: random sampling and evolution (population, mutation, crossover, parents
// ratio), every candidate's constraints checked by the efficiency predictor's fast composed figures, and
// every member the search returns (best, Pareto front) re-checked on its whole graph by the real planner;
// the score comes from a pluggable accuracy predictor. Deterministic for a seed; never returns a member
// that breaks a constraint.
import { Xorshift32 } from '../builder/index.js';
import { BudgetError, UsageError } from '../errors.js';
import type { EfficiencyPredictor, Efficiency } from './predictor.js';
import { archKey, extremeArch, type Arch, type SearchSpace } from './space.js';

export interface Constraints {
  sramBytes?: number;
  flashBytes?: number;
  maxMacs?: number;
  maxMs?: number;
}

/** Scores an architecture; higher is better. A trained predictor (the supernet's) plugs in here. */
export interface AccuracyPredictor {
  name: string;
  /** Says what the score is, for reports: a proxy must say so. */
  label: string;
  predict(arch: Arch, efficiency: Efficiency): number;
}

/** The labelled fallback until the supernet exists: more MACs scored as more accurate (log10 MACs). */
export const MACS_PROXY: AccuracyPredictor = {
  name: 'macs-proxy',
  label: 'MACs-as-proxy score (log10 MACs; no trained accuracy predictor yet): not an accuracy',
  predict: (_arch, e) => Math.log10(Math.max(1, e.macs)),
};

export interface Candidate {
  arch: Arch;
  key: string;
  efficiency: Efficiency;
  score: number;
}

export interface SearchOptions {
  agent: 'random' | 'evolution';
  /** Candidates evaluated (predictor calls, repeats included). */
  budget: number;
  seed: number;
  constraints: Constraints;
  accuracy: AccuracyPredictor;
  population?: number;
  /** Per-gene mutation probability. */
  mutationRate?: number;
  /** Fraction of each generation's children made by crossover (the rest by mutation). */
  crossoverRate?: number;
  /** Fraction of the population kept as parents. */
  parentsRatio?: number;
}

export interface SearchResult {
  agent: 'random' | 'evolution';
  evaluations: number;
  /** Every distinct feasible candidate seen, in discovery order (the predictor's composed figures). */
  feasible: Candidate[];
  /** best and pareto carry the whole graph's figures from the planner (`EfficiencyPredictor.exact`). */
  best: Candidate;
  pareto: Candidate[];
}

/** The constraints a member breaks, as {name, value, limit}; empty when it fits. */
export function violations(e: Efficiency, c: Constraints): Array<{ name: string; value: number; limit: number }> {
  const out: Array<{ name: string; value: number; limit: number }> = [];
  if (c.sramBytes !== undefined && e.ramBytes > c.sramBytes) out.push({ name: 'sram', value: e.ramBytes, limit: c.sramBytes });
  if (c.flashBytes !== undefined && e.flashBytes > c.flashBytes) out.push({ name: 'flash', value: e.flashBytes, limit: c.flashBytes });
  if (c.maxMacs !== undefined && e.macs > c.maxMacs) out.push({ name: 'macs', value: e.macs, limit: c.maxMacs });
  if (c.maxMs !== undefined && e.ms > c.maxMs) out.push({ name: 'ms', value: e.ms, limit: c.maxMs });
  return out;
}

/**
 * Refuses constraints that no member meets. Every figure grows with every choice (resolution, width, depth,
 * kernel, expand), so the all-smallest member has the smallest figures of the space: when it breaks a
 * constraint, every member does.
 */
export function checkFeasible(predictor: EfficiencyPredictor, c: Constraints): Candidate['efficiency'] {
  const smallest = predictor.exact(extremeArch(predictor.space, 'smallest'));
  const broken = violations(smallest, c);
  if (broken.length > 0) {
    const figure = (name: string, v: number) => (name === 'ms' ? `${v.toFixed(2)} ms` : name === 'macs' ? `${v} MACs` : `${v} B`);
    const what = broken.map((v) => `${v.name} ${figure(v.name, v.value)} > ${figure(v.name, v.limit)}`).join(', ');
    throw new BudgetError(`no member of search space "${predictor.space.name}" meets the constraints: its smallest member needs ${what}`, {
      smallest: { ramBytes: smallest.ramBytes, peakBytes: smallest.peakBytes, flashBytes: smallest.flashBytes, macs: smallest.macs, ms: smallest.ms },
      violations: broken,
    });
  }
  return smallest;
}

function pick<T>(rng: Xorshift32, xs: readonly T[]): T {
  return xs[Math.min(xs.length - 1, Math.floor(rng.uniform() * xs.length))]!;
}

/** A member drawn uniformly per choice (resolution, width, each stage's depth, each block's kernel and expand). */
export function sampleArch(space: SearchSpace, rng: Xorshift32): Arch {
  return {
    resolution: pick(rng, space.resolutions),
    width: pick(rng, space.widths),
    stages: space.stages.map((s) => Array.from({ length: pick(rng, s.depths) }, () => ({ kernel: pick(rng, space.kernels), expand: pick(rng, space.expands) }))),
  };
}

/** Each gene replaced by a fresh draw with probability `rate`; a longer stage gets new blocks drawn. */
export function mutateArch(space: SearchSpace, arch: Arch, rng: Xorshift32, rate: number): Arch {
  const maybe = <T>(current: T, draw: () => T): T => (rng.uniform() < rate ? draw() : current);
  return {
    resolution: maybe(arch.resolution, () => pick(rng, space.resolutions)),
    width: maybe(arch.width, () => pick(rng, space.widths)),
    stages: arch.stages.map((blocks, s) => {
      const depth = maybe(blocks.length, () => pick(rng, space.stages[s]!.depths));
      return Array.from({ length: depth }, (_, i) => {
        const b = blocks[i] ?? { kernel: pick(rng, space.kernels), expand: pick(rng, space.expands) };
        return { kernel: maybe(b.kernel, () => pick(rng, space.kernels)), expand: maybe(b.expand, () => pick(rng, space.expands)) };
      });
    }),
  };
}

/** Each gene (resolution, width, stage depth, block) from one parent or the other with equal chance. */
export function crossoverArch(a: Arch, b: Arch, rng: Xorshift32): Arch {
  const either = <T>(x: T, y: T): T => (rng.uniform() < 0.5 ? x : y);
  return {
    resolution: either(a.resolution, b.resolution),
    width: either(a.width, b.width),
    stages: a.stages.map((blocksA, s) => {
      const blocksB = b.stages[s]!;
      const depth = either(blocksA.length, blocksB.length);
      return Array.from({ length: depth }, (_, i) => ({ ...either(blocksA[i] ?? blocksB[i]!, blocksB[i] ?? blocksA[i]!) }));
    }),
  };
}

/** Candidates no other candidate beats on score, ms and RAM at once (ties kept once), by ascending ms. */
export function paretoFront(candidates: readonly Candidate[]): Candidate[] {
  const dominates = (p: Candidate, q: Candidate) =>
    p.score >= q.score && p.efficiency.ms <= q.efficiency.ms && p.efficiency.ramBytes <= q.efficiency.ramBytes &&
    (p.score > q.score || p.efficiency.ms < q.efficiency.ms || p.efficiency.ramBytes < q.efficiency.ramBytes);
  return candidates.filter((q) => !candidates.some((p) => dominates(p, q))).sort((x, y) => x.efficiency.ms - y.efficiency.ms || x.key.localeCompare(y.key));
}

function rate(v: number | undefined, fallback: number, name: string): number {
  const r = v ?? fallback;
  if (!(r >= 0 && r <= 1)) throw new UsageError(`${name} must be a fraction in [0, 1], got ${r}`, { [name]: r });
  return r;
}

export function search(predictor: EfficiencyPredictor, options: SearchOptions): SearchResult {
  const { budget, constraints, accuracy } = options;
  if (!(Number.isSafeInteger(budget) && budget > 0)) throw new UsageError(`budget must be a positive integer, got ${budget}`, { budget });
  const population = options.population ?? 32;
  if (!(Number.isSafeInteger(population) && population >= 2)) throw new UsageError(`population must be an integer >= 2, got ${population}`, { population });
  const mutationRate = rate(options.mutationRate, 0.1, 'mutationRate');
  const crossoverRate = rate(options.crossoverRate, 0.5, 'crossoverRate');
  const parentsRatio = rate(options.parentsRatio, 0.25, 'parentsRatio');
  const smallest = checkFeasible(predictor, constraints);
  const space = predictor.space;
  const rng = new Xorshift32(options.seed);
  const feasible = new Map<string, Candidate>();
  let evaluations = 0;
  /** Evaluates an arch (counted against the budget); the candidate when it meets every constraint. */
  const evaluate = (arch: Arch): Candidate | null => {
    evaluations++;
    const efficiency = predictor.predict(arch);
    if (violations(efficiency, constraints).length > 0) return null;
    const key = archKey(arch);
    const c = feasible.get(key) ?? { arch, key, efficiency, score: accuracy.predict(arch, efficiency) };
    feasible.set(key, c);
    return c;
  };
  const byScore = (a: Candidate, b: Candidate) => b.score - a.score || a.efficiency.ms - b.efficiency.ms || a.key.localeCompare(b.key);

  if (options.agent === 'random') {
    while (evaluations < budget) evaluate(sampleArch(space, rng));
  } else if (options.agent === 'evolution') {
    // First generation: random feasible members (infeasible draws spend budget too).
    let pop: Candidate[] = [];
    while (pop.length < population && evaluations < budget) {
      const c = evaluate(sampleArch(space, rng));
      if (c) pop.push(c);
    }
    const nParents = Math.max(1, Math.round(population * parentsRatio));
    while (evaluations < budget && pop.length > 0) {
      const parents = [...pop].sort(byScore).slice(0, nParents);
      const children: Candidate[] = [];
      const nCross = Math.round((population - parents.length) * crossoverRate);
      while (parents.length + children.length < population && evaluations < budget) {
        const child = children.length < nCross
          ? crossoverArch(pick(rng, parents).arch, pick(rng, parents).arch, rng)
          : mutateArch(space, pick(rng, parents).arch, rng, mutationRate);
        const c = evaluate(child);
        if (c) children.push(c);
      }
      pop = [...parents, ...children];
    }
  } else {
    throw new UsageError(`agent must be random or evolution, got "${String(options.agent)}"`);
  }
  // The reported members, re-checked on their whole graph: one the planner finds over a constraint is dropped.
  const confirm = (c: Candidate): Candidate | null => {
    const efficiency = predictor.exact(c.arch);
    return violations(efficiency, constraints).length > 0 ? null : { ...c, efficiency, score: accuracy.predict(c.arch, efficiency) };
  };
  const ranked = [...feasible.values()].sort(byScore);
  let best: Candidate | null = null;
  for (const c of ranked) if ((best = confirm(c))) break;
  // checkFeasible proved the smallest member fits: it is the fallback when the budget found nothing.
  if (!best) {
    const arch = extremeArch(space, 'smallest');
    best = { arch, key: archKey(arch), efficiency: smallest, score: accuracy.predict(arch, smallest) };
  }
  const all = ranked.length > 0 ? [...feasible.values()] : [best];
  let front = paretoFront(all);
  for (;;) {
    const confirmed = front.map((c) => confirm(c));
    const dropped = new Set(front.filter((_, i) => !confirmed[i]).map((c) => c.key));
    if (dropped.size === 0) {
      front = confirmed as Candidate[];
      break;
    }
    for (let i = all.length - 1; i >= 0; i--) if (dropped.has(all[i]!.key)) all.splice(i, 1);
    front = paretoFront(all.length > 0 ? all : [best]);
  }
  return { agent: options.agent, evaluations, feasible: all, best, pareto: front };
}
