// The one package-root finder: files shipped in the tinyforge package (build/*.wasm, firmware-templates/)
// as URLs from this module's place in it, read the same way in browsers (fetch) and Node (the file).
import { ToolchainError } from './errors.js';

const SELF = import.meta.url;
/** Node's fs, named in a variable: browser bundlers do not try to resolve it (browsers take the fetch path). */
const NODE_FS = 'node:fs/promises';

/** The package folder (with a trailing slash): this file is dist/src/package-asset.js when built, src/package-asset.ts in the sources. */
export function packageRootUrl(): URL {
  return new URL(/\/dist\/src\/package-asset\.js$/.test(SELF) ? '../../' : '../', SELF);
}

/** A file of the package by its path inside it, e.g. "build/kernels.simd.wasm". */
export function packageFileUrl(relPath: string): URL {
  return new URL(relPath, packageRootUrl());
}

/** The bytes of `relPath` under the package root; `fetch` in browsers, the file itself in Node. */
export async function loadPackageAsset(relPath: string): Promise<Uint8Array> {
  const url = packageFileUrl(relPath);
  if (url.protocol === 'file:') {
    const fs = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs/promises');
    try {
      return new Uint8Array(await fs.readFile(url));
    } catch (e) {
      const path = decodeURIComponent(url.pathname);
      throw new ToolchainError(`${path} is missing from the tinyforge package: run npm run build`, { path, cause: String(e) });
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new ToolchainError(`${url.href} could not be fetched (HTTP ${response.status})`, { url: url.href, status: response.status });
  return new Uint8Array(await response.arrayBuffer());
}

/** The prebuilt wasm kernel library (npm run build:kernels). */
export function loadKernelLibrary(simd = true): Promise<Uint8Array> {
  return loadPackageAsset(`build/kernels.${simd ? 'simd' : 'scalar'}.wasm`);
}
