// The TinyforgeError a call throws; fails the test when it returns or throws anything else.
import { expect } from 'vitest';
import { TinyforgeError } from '../../src/errors.js';

export function refusal(run: () => unknown): TinyforgeError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(TinyforgeError);
    return e as TinyforgeError;
  }
  throw new Error('expected a refusal');
}
