// Every engine `tinyforge run --engine` can use; each lives in its own file.
import { cEngine } from './c.js';
import { qemuM4Engine, qemuM7Engine } from './qemu.js';
import { referenceEngine } from './reference.js';
import type { Engine } from './types.js';
import { wasmEngine } from './wasm.js';

export const ENGINES: readonly Engine[] = [wasmEngine, referenceEngine, cEngine, qemuM4Engine, qemuM7Engine];

export function engineNames(): string[] {
  return ENGINES.map((e) => e.name);
}

export type { Engine, EngineRequest, EngineRun } from './types.js';
