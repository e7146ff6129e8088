// An independent check of a Plan: recomputes what must be alive at each step from the graph and the
// step order (not from the plan's own lifetimes) and fails on any two live buffers that overlap
// without a rule allowing it, any step that overwrites bytes still read later or returned by the model
// (a model output, or a buffer a model output aliases), any misaligned or out-of-arena buffer, or a
// tensor without a buffer.
import type { Plan } from './types.js';

export interface PlanViolation {
  step: number;
  message: string;
}

export function verifyPlan(plan: Plan): PlanViolation[] {
  const { graph, steps, buffers, arenaBytes } = plan;
  const violations: PlanViolation[] = [];
  const bufferOfTensor = new Map<number, number>();
  for (const b of buffers) if (b.tensor !== null) bufferOfTensor.set(b.tensor, b.id);
  const rootOf = (id: number) => buffers[id]!.aliasOf ?? id;

  for (const b of buffers) {
    if (b.offset % plan.options.alignment !== 0) violations.push({ step: b.first, message: `buffer ${b.name} at offset ${b.offset} is not ${plan.options.alignment}-aligned` });
    if (b.offset < 0 || b.offset + b.bytes > arenaBytes) violations.push({ step: b.first, message: `buffer ${b.name} [${b.offset}, ${b.offset + b.bytes}) lies outside the ${arenaBytes}-byte arena` });
  }

  // Steps at which each root buffer's bytes are needed, from the graph alone.
  const needFirst = new Map<number, number>();
  const needLast = new Map<number, number>();
  const need = (tensor: number, step: number) => {
    const id = bufferOfTensor.get(tensor);
    if (id === undefined) {
      violations.push({ step, message: `tensor ${tensor} (${graph.tensors[tensor]?.name}) has no buffer` });
      return;
    }
    const r = rootOf(id);
    needFirst.set(r, Math.min(needFirst.get(r) ?? step, step));
    needLast.set(r, Math.max(needLast.get(r) ?? step, step));
  };
  for (const t of graph.inputs) need(t, 0);
  steps.forEach((s, i) => {
    const op = graph.ops[s.op]!;
    for (const t of op.inputs) if (t >= 0 && !graph.tensors[t]!.data) need(t, i);
    for (const t of op.outputs) need(t, i);
  });
  for (const t of graph.outputs) need(t, steps.length - 1);
  // Roots whose bytes the model returns: they must hold their value after the last step.
  const returned = new Map<number, string>();
  for (const t of graph.outputs) {
    const id = bufferOfTensor.get(t);
    if (id !== undefined) returned.set(rootOf(id), graph.tensors[t]?.name ?? `${t}`);
  }
  if (steps.length !== graph.ops.length || new Set(steps.map((s) => s.op)).size !== graph.ops.length) {
    violations.push({ step: 0, message: `the plan runs ${steps.length} steps for ${graph.ops.length} ops` });
  }

  // Overlaps the plan may rely on: the (input, output) pair of a step with a rule, input dying there.
  const allowed = new Map<string, [number, number]>();
  steps.forEach((s, i) => {
    if (s.overlap) {
      const inBuf = s.inputs[s.overlap.input];
      if (inBuf === null || inBuf === undefined) return;
      if ((needLast.get(rootOf(inBuf)) ?? -1) > i) {
        violations.push({ step: i, message: `step ${i} overwrites ${buffers[inBuf]!.name}, which is read again later` });
        return;
      }
      if (returned.has(rootOf(inBuf))) {
        violations.push({ step: i, message: `step ${i} overwrites ${buffers[inBuf]!.name}, whose bytes the model returns as output ${returned.get(rootOf(inBuf))}` });
        return;
      }
      allowed.set(`${rootOf(inBuf)},${rootOf(s.outputs[0]!)}`, [s.overlap.minDelta, s.overlap.maxDelta]);
    }
    for (const own of [s.scratch, s.workspace]) {
      if (own === null) continue;
      needFirst.set(own, Math.min(needFirst.get(own) ?? i, i));
      needLast.set(own, Math.max(needLast.get(own) ?? i, i));
    }
  });

  const roots = [...needFirst.keys()].filter((id) => buffers[id]!.bytes > 0);
  for (let i = 0; i < roots.length; i++) {
    for (let j = i + 1; j < roots.length; j++) {
      const a = buffers[roots[i]!]!, b = buffers[roots[j]!]!;
      const together = needFirst.get(a.id)! <= needLast.get(b.id)! && needFirst.get(b.id)! <= needLast.get(a.id)!;
      if (!together) continue;
      const disjoint = a.offset + a.bytes <= b.offset || b.offset + b.bytes <= a.offset;
      if (disjoint) continue;
      const ab = allowed.get(`${a.id},${b.id}`);
      const ba = allowed.get(`${b.id},${a.id}`);
      const ok = (ab && b.offset - a.offset >= ab[0] && b.offset - a.offset <= ab[1]) || (ba && a.offset - b.offset >= ba[0] && a.offset - b.offset <= ba[1]);
      if (!ok) {
        const step = Math.max(needFirst.get(a.id)!, needFirst.get(b.id)!);
        violations.push({ step, message: `${a.name} [${a.offset}, ${a.offset + a.bytes}) and ${b.name} [${b.offset}, ${b.offset + b.bytes}) overlap while both are live` });
      }
    }
  }
  return violations;
}
