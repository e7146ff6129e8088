// A deriver that computes nothing, for import tests that must not depend on the params module.
import type { DeriveFn } from '../../src/import/tflite/lower.js';

export const nullDerive = (() => null) as unknown as DeriveFn;
