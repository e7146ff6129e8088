// The reference engine: the planned Schedule run by the TypeScript reference kernels in one arena.
import { planModel, scheduleOf } from '../../pipeline.js';
import { runSchedule } from '../../reference/execute.js';
import type { Engine } from './types.js';

export const referenceEngine: Engine = {
  name: 'reference',
  summary: 'TypeScript reference kernels (the spec), in one arena at the planned offsets',
  async run({ graph, inputs, plan }) {
    const { plan: p } = planModel(graph, plan);
    const schedule = scheduleOf(p);
    const start = performance.now();
    const { outputs } = runSchedule(schedule, inputs);
    return { outputs, details: { ms: performance.now() - start, arenaBytes: schedule.arenaBytes } };
  },
};
