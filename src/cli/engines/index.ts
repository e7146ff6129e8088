// Every engine `tinyforge run --engine` can use; each lives in its own file.
import { referenceEngine } from './reference.js';
import type { Engine } from './types.js';

export const ENGINES: readonly Engine[] = [referenceEngine];

export function engineNames(): string[] {
  return ENGINES.map((e) => e.name);
}

export type { Engine, EngineRequest, EngineRun } from './types.js';
