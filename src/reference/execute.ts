// The reference executor for a Schedule: one ArrayBuffer of exactly the planned size, every tensor a
// view at its planned offset. A plan that lets a kernel overwrite bytes still needed gives wrong
// outputs here, so running it is the proof that the plan is executable.
import type { Tensor } from '../ir/graph.js';
import { elementCount } from '../ir/shapes.js';
import type { ArenaRef, CopyWindowCall, Schedule } from '../schedule/types.js';
import { UnsupportedError } from '../errors.js';
import { checkInputs, type RunResult } from './interpreter.js';
import { runDefaultKernel } from './dispatch.js';
import type { TensorView } from './types.js';
import { VARIANT_KERNELS } from './variants.js';
import { constantView, typedView, viewBytes } from './views.js';

function arenaView(arena: ArrayBuffer, ref: ArenaRef): TensorView {
  return { shape: ref.shape, data: typedView(ref.dtype, arena, ref.offset, elementCount(ref.shape)) };
}

/** Copies rows y0.. and columns x0.. of an NHWC tensor to or from a compact tile. */
function copyWindow(arena: ArrayBuffer, call: CopyWindowCall): void {
  const bytes = new Uint8Array(arena);
  const elem = typedView(call.full.dtype, new ArrayBuffer(0), 0, 0).BYTES_PER_ELEMENT;
  const [batches, fullH, fullW, channels] = call.full.shape as [number, number, number, number];
  const [, tileH, tileW] = call.tile.shape as [number, number, number, number];
  const rowBytes = tileW * channels * elem;
  for (let n = 0; n < batches; n++) {
    for (let y = 0; y < tileH; y++) {
      const full = call.full.offset + (((n * fullH + call.y0 + y) * fullW + call.x0) * channels) * elem;
      const tile = call.tile.offset + ((n * tileH + y) * tileW * channels) * elem;
      if (call.direction === 'to-tile') bytes.copyWithin(tile, full, full + rowBytes);
      else bytes.copyWithin(full, tile, tile + rowBytes);
    }
  }
}

/** A Schedule's arena across invokes: the variable tensors (Schedule.state) keep their bytes between invokes. */
export interface ScheduleSession {
  invoke(inputs: readonly Uint8Array[]): RunResult;
  /** Sets the variable tensors back to their initial bytes. */
  reset(): void;
}

/** One inference in a fresh arena (variable tensors at their initial value). */
export function runSchedule(schedule: Schedule, inputs: readonly Uint8Array[]): RunResult {
  return createScheduleSession(schedule).invoke(inputs);
}

export function createScheduleSession(schedule: Schedule): ScheduleSession {
  const arena = new ArrayBuffer(schedule.arenaBytes);
  const reset = () => {
    for (const s of schedule.state) new Uint8Array(arena, s.offset, s.bytes).fill(s.fill);
  };
  reset();
  return { reset, invoke: (inputs) => invokeIn(arena, schedule, inputs) };
}

function invokeIn(arena: ArrayBuffer, schedule: Schedule, inputs: readonly Uint8Array[]): RunResult {
  const { graph } = schedule;
  checkInputs(graph, inputs);
  const constants = new Map<number, TensorView>();
  const constant = (id: number) => {
    let v = constants.get(id);
    if (!v) constants.set(id, (v = constantView(graph.tensors[id] as Tensor & { data: Uint8Array })));
    return v;
  };
  schedule.inputs.forEach((ref, i) => viewBytes(arenaView(arena, ref)).set(inputs[i]!));

  for (const call of schedule.calls) {
    if (call.type === 'copy-window') {
      copyWindow(arena, call);
      continue;
    }
    const ins = call.inputs.map((o) => (o === null ? null : 'constant' in o ? constant(o.constant) : arenaView(arena, o.arena)));
    const outs = call.outputs.map((r) => arenaView(arena, r));
    if (call.variant === 'default') {
      runDefaultKernel(call.op, ins, outs);
    } else {
      const variant = VARIANT_KERNELS[call.variant];
      if (!variant) throw new UnsupportedError(`kernel variant ${call.variant} of ${call.op.kind} has no reference implementation`, { variant: call.variant });
      variant(call.op, ins, outs, call.scratch ? arenaView(arena, call.scratch) : null);
    }
  }
  return { outputs: schedule.outputs.map((r) => viewBytes(arenaView(arena, r)).slice()) };
}
