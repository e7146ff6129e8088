// One error type per kind of problem; the CLI maps each to one line and an exit code.

export type ErrorCode =
  | 'E_MODEL_FORMAT' // truncated, garbage, out-of-range offsets, inconsistent shapes
  | 'E_UNSUPPORTED' // op, version, dtype or feature we refuse up front
  | 'E_INPUT_DATA' // user-supplied tensor bytes of the wrong size or kind
  | 'E_BUDGET' // a plan that cannot meet the SRAM/flash budget
  | 'E_TOOLCHAIN' // a missing or failing external tool
  | 'E_USAGE'; // bad command-line or API arguments

export class TinyforgeError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class ModelFormatError extends TinyforgeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_MODEL_FORMAT', message, details);
  }
}

export class UnsupportedError extends TinyforgeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_UNSUPPORTED', message, details);
  }
}

export class InputDataError extends TinyforgeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_INPUT_DATA', message, details);
  }
}

export class BudgetError extends TinyforgeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_BUDGET', message, details);
  }
}

export class ToolchainError extends TinyforgeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_TOOLCHAIN', message, details);
  }
}

export class UsageError extends TinyforgeError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_USAGE', message, details);
  }
}
