// Optional npm packages (wabt for --wat, tfjs for training) load on first use; a missing one becomes one
// E_TOOLCHAIN line naming the package, what needs it and the install line, instead of Node's stack trace.
import { ToolchainError } from './errors.js';

/** The package of `packages` whose absence failed the import behind `error` (Node's ERR_MODULE_NOT_FOUND names it in quotes), else null. */
export function missingPackage(error: unknown, packages: readonly string[]): string | null {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') return null;
  return packages.find((p) => error.message.includes(`'${p}'`)) ?? null;
}

/**
 * A ToolchainError "`user` needs the npm package P, which is not installed: npm install ..." when `error` is a
 * missing package of `packages`; `error` itself otherwise. The install line names all of `packages` when
 * `installTogether` (packages whose versions must match), else only the missing one.
 */
export function optionalPackageError(error: unknown, packages: readonly string[], user: string, installTogether = false): unknown {
  const pkg = missingPackage(error, packages);
  if (pkg === null) return error;
  const install = installTogether ? packages.join(' ') : pkg;
  return new ToolchainError(`${user} needs the npm package ${pkg}, which is not installed: npm install ${install}`, { package: pkg, install });
}

/** `load()` (a dynamic import of optional packages), rejecting with optionalPackageError's E_TOOLCHAIN when one is missing. */
export async function importOptional<T>(load: () => Promise<T>, packages: readonly string[], user: string, installTogether = false): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw optionalPackageError(e, packages, user, installTogether);
  }
}
