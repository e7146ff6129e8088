// wabt's independent check of an emitted module (and its text form for --wat).
import type wabtInit from 'wabt';
import { TinyforgeError } from '../../src/errors.js';
import { backendError } from './backend.js';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | null = null;

const FEATURES = { simd: true, bulk_memory: true, sat_float_to_int: true, sign_extension: true, mutable_globals: true };

/** Validates the module with wabt (throws E_TOOLCHAIN naming wabt's complaint); returns the text form when asked. */
export async function validateWasm(bytes: Uint8Array, options: { text?: boolean } = {}): Promise<string | null> {
  // wabt is imported here, not at the top: only validation needs it (see backend.ts).
  wabt ??= import('wabt').then((m) => m.default(), (e: unknown) => {
    wabt = null;
    throw backendError(e);
  });
  const w = await wabt;
  let module: ReturnType<Wabt['readWasm']> | null = null;
  try {
    module = w.readWasm(bytes, { readDebugNames: true, ...FEATURES });
    module.validate();
    return options.text ? module.toText({ foldExprs: false, inlineExport: false }) : null;
  } catch (e) {
    throw new TinyforgeError('E_TOOLCHAIN', `wabt rejects the emitted module: ${e instanceof Error ? e.message : String(e)}`, {});
  } finally {
    module?.destroy();
  }
}
