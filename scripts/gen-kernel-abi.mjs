// Writes assembly/abi.ts (argument-record field offsets) and the C library's tf_kernel_abi.h from the kernel ABI (src/schedule/abi/), built to dist/.
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { asAbiSource } = await import(join(root, 'dist/codegen/wasm/abi/as-source.js'));
const target = join(root, 'assembly/abi.ts');
const text = asAbiSource();
if (!existsSync(target) || readFileSync(target, 'utf8') !== text) writeFileSync(target, text);

// The C kernel library's copy of the same ABI (firmware-templates/kernels/tf_kernel_abi.h).
const { cAbiHeader } = await import(join(root, 'dist/codegen/c/abi-header.js'));
const cTarget = join(root, 'firmware-templates/kernels/tf_kernel_abi.h');
const cText = cAbiHeader();
if (!existsSync(cTarget) || readFileSync(cTarget, 'utf8') !== cText) writeFileSync(cTarget, cText);
