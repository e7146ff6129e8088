// Files shipped in the package (build/*.wasm), read the same way in browsers (fetch) and Node (the file).

/** The bytes of `relPath` under the package root; `fetch` in browsers, the file itself in Node. */
export async function loadPackageAsset(relPath: string): Promise<Uint8Array> {
  // This module is src/package-asset.ts in the sources and dist/src/package-asset.js in the package.
  const root = import.meta.url.includes('/dist/src/') ? '../../' : '../';
  const url = new URL(`${root}${relPath}`, import.meta.url);
  if (url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    return new Uint8Array(await fs.readFile(url));
  }
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}
