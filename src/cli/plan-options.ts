// Planner options shared by every command that plans (plan, run, and the compilers).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parsePatch, type PlanModelOptions } from '../pipeline.js';
import { parseBytes } from './sizes.js';
import { STACK_CPUS, stackTable } from '../cost/stack.js';

export interface PlanFlags {
  int8Io?: boolean;
  inplace: boolean;
  patch: string;
  maxRecompute: string;
  alignment: string;
  maxArena: string;
}

export function addPlanOptions(command: Command): Command {
  return command
    .option('--int8-io', 'drop a leading QUANTIZE / trailing DEQUANTIZE: int8 input and output, as firmware uses them')
    .option('--no-inplace', 'no in-place kernels or input/output overlap (RESHAPE still aliases)')
    .option('--patch <setting>', 'patch-based inference: none, auto, or N@LAYER (N x N tiles up to op LAYER or the op writing tensor LAYER)', 'none')
    .option('--max-recompute <fraction>', "with --patch auto: most extra MACs allowed, as a fraction of the model's", '0.25')
    .option('--alignment <bytes>', 'arena offset alignment, a power of two', '16')
    .option('--max-arena <bytes>', 'refuse a model whose activations or arena exceed this (checked before planning allocates anything)', '64M');
}

export function planOptionsFrom(flags: PlanFlags): PlanModelOptions {
  const maxRecompute = Number(flags.maxRecompute);
  if (!(maxRecompute >= 0)) throw new UsageError(`--max-recompute must be a non-negative fraction, got "${flags.maxRecompute}"`);
  return {
    int8Io: flags.int8Io === true,
    inplace: flags.inplace,
    alignment: parseBytes(flags.alignment, '--alignment'),
    maxArenaBytes: parseBytes(flags.maxArena, '--max-arena'),
    maxRecompute,
    patch: parsePatch(flags.patch),
  };
}

export interface RamFlags {
  cpu: string;
  reserve: string;
}

/** `plan`'s device options: the core whose stack is counted and the application's own RAM. */
export function addRamOptions(command: Command): Command {
  return command
    .option('--cpu <core>', `the core the generated C's stack is computed for: ${STACK_CPUS.join('|')}`, 'cortex-m4')
    .option('--reserve <bytes>', "RAM the application needs besides the model (its own data and stack), counted against --sram", '0');
}

export function ramOptionsFrom(flags: RamFlags): { cpu: string; reserveBytes: number } {
  stackTable(flags.cpu);
  // 0 is a valid reserve (the default): only a positive size goes through parseBytes
  const reserveBytes = /^\s*0+\s*$/.test(flags.reserve) ? 0 : parseBytes(flags.reserve, '--reserve');
  return { cpu: flags.cpu, reserveBytes };
}
