// Knowledge distillation's settings and checks, without tfjs: the CLI validates its flags and the teacher
// before it loads the trainer (tfjs is an optional dependency, loaded only to train).
import { InputDataError, UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';

export const DEFAULT_DISTILL_TEMPERATURE = 4;
export const DEFAULT_DISTILL_ALPHA = 0.5;

/** Refuses a temperature <= 0 or an alpha outside [0, 1] (E_USAGE), naming the flag. */
export function checkDistillSettings(temperature: number, alpha: number): void {
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new UsageError(`--distill-temperature must be a number > 0, got ${temperature}`, { temperature });
  if (!(Number.isFinite(alpha) && alpha >= 0 && alpha <= 1)) throw new UsageError(`--distill-alpha must be in [0, 1], got ${alpha}`, { alpha });
}

/** Refuses a teacher whose input or output shape differs from the student's (E_INPUT_DATA, both shapes named). */
export function checkTeacher(student: Graph, teacher: Graph, names: { student: string; teacher: string } = { student: 'student', teacher: 'teacher' }): void {
  const shapeOf = (g: Graph, id: number | undefined) => `[${(id === undefined ? [] : g.tensors[id]!.shape).join(', ')}]`;
  for (const what of ['input', 'output'] as const) {
    const s = shapeOf(student, (what === 'input' ? student.inputs : student.outputs)[0]);
    const t = shapeOf(teacher, (what === 'input' ? teacher.inputs : teacher.outputs)[0]);
    if (s !== t) {
      throw new InputDataError(`teacher ${names.teacher} ${what} ${t} differs from ${names.student}'s ${s}: distillation needs the same input and classes`, {
        what, teacher: names.teacher, teacherShape: t, student: names.student, studentShape: s,
      });
    }
  }
}
