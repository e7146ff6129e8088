// Checks of an emitted module: the engine's own validator (no package to load), and wabt's independent
// one, which names what is wrong and gives the text form for --wat.
import type wabtInit from 'wabt';
import { TinyforgeError } from '../../src/errors.js';
import { backendError } from './backend.js';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | null = null;

const FEATURES = { simd: true, bulk_memory: true, sat_float_to_int: true, sign_extension: true, mutable_globals: true };

/** Validates the module with wabt (throws E_TOOLCHAIN naming wabt's complaint); returns the text form when asked. */
export async function validateWasm(bytes: Uint8Array, options: { text?: boolean } = {}): Promise<string | null> {
  // wabt is imported here, not at the top: only validation and --wat need it (see backend.ts).
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

/**
 * The check every compile runs: WebAssembly.validate, free in Node and browsers; only when the engine
 * rejects the module (a bug, or an engine without a feature the kernels use, e.g. SIMD) does wabt decide,
 * naming its complaint.
 */
export async function checkWasm(bytes: Uint8Array): Promise<void> {
  if (WebAssembly.validate(bytes as BufferSource)) return;
  try {
    await validateWasm(bytes);
  } catch (e) {
    // without wabt installed: the engine's word alone
    if (e instanceof TinyforgeError && e.details.package === 'wabt') throw new TinyforgeError('E_TOOLCHAIN', 'the WebAssembly engine rejects the emitted module (npm install wabt names the reason)', {});
    throw e;
  }
}
