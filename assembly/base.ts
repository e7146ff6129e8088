// Where a kernel finds its operands: the two bases and the tensor-reference decoding of the kernel ABI
// (src/schedule/abi/). The per-model emitter replaces both globals with constants.

/** Address of the arena in linear memory (set when the model is linked). */
export let ARENA_BASE: usize = 0;
/** Address of the constant data (weights, tables, argument records). */
export let CONST_BASE: usize = 0;
/**
 * Address of the running call's workspace: its record's `workspace` field (planned in the arena, sized by
 * src/ir/workspace.ts), set at the kernel's entry: padded / gathered copies of a unit's input, repacked weights.
 */
export let WORK_BASE: usize = 0;

/** Points WORK_BASE at the call's planned workspace (the record's `workspace` reference at `offset`). */
// @ts-ignore: decorator
@inline
export function useWorkspace(args: usize, offset: i32): void {
  WORK_BASE = ptr(args, offset);
}

/** Reads word `offset` (bytes) of an argument record. */
// @ts-ignore: decorator
@inline
export function arg(args: usize, offset: i32): i32 {
  return load<i32>(args + <usize>offset);
}

/** A tensor reference: >= 0 an arena offset, < 0 the constant-data offset ~v. */
// @ts-ignore: decorator
@inline
export function ref(v: i32): usize {
  return v >= 0 ? ARENA_BASE + <usize>v : CONST_BASE + <usize>(~v);
}

/** The pointer field at `offset` of a record. */
// @ts-ignore: decorator
@inline
export function ptr(args: usize, offset: i32): usize {
  return ref(load<i32>(args + <usize>offset));
}

// @ts-ignore: decorator
@inline
export function clampI32(v: i32, lo: i32, hi: i32): i32 {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Element i of an integer tensor of element type T, widened to i32. */
// @ts-ignore: decorator
@inline
export function ld<T>(base: usize, i: i32): i32 {
  return <i32>load<T>(base + (<usize>i << alignof<T>()));
}

/** Stores v (already in T's range) as element i of an integer tensor of element type T. */
// @ts-ignore: decorator
@inline
export function st<T>(base: usize, i: i32, v: i32): void {
  store<T>(base + (<usize>i << alignof<T>()), <T>v);
}
