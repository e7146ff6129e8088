// Every target `tinyforge compile --target` can emit; each lives in its own file.
import { cTarget } from './c.js';
import type { Target } from './types.js';
import { wasmTarget } from './wasm.js';

export const TARGETS: readonly Target[] = [wasmTarget, cTarget];

export function targetNames(): string[] {
  return TARGETS.map((t) => t.name);
}

export type { Target, TargetFile, TargetRequest, TargetResult } from './types.js';
