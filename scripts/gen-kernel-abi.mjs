// Writes assembly/abi.ts (argument-record field offsets) and the C library's tf_kernel_abi.h from the kernel ABI (src/schedule/abi/), and the C copy of the int16 sigmoid table, from dist/.
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

// The int16 sigmoid table's C copy (tf_sigmoid16.h, between its GENERATED markers) from src/ir/sigmoid-table.ts.
const { SIGMOID_TABLE_UINT16 } = await import(join(root, 'dist/src/ir/sigmoid-table.js'));
const sigmoidTarget = join(root, 'firmware-templates/kernels/tf_sigmoid16.h');
const sigmoidText = readFileSync(sigmoidTarget, 'utf8');
const rows = [];
for (let i = 0; i < SIGMOID_TABLE_UINT16.length; i += 16) rows.push(`  ${Array.from(SIGMOID_TABLE_UINT16.subarray(i, i + 16)).join(', ')},`);
const table = `static const uint16_t tf_sigmoid_table_u16[${SIGMOID_TABLE_UINT16.length}] = {\n${rows.join('\n')}\n};`;
const sigmoidNext = sigmoidText.replace(/(\/\* BEGIN GENERATED[^\n]*\n)[\s\S]*?(\n\/\* END GENERATED \*\/)/, (_, begin, end) => begin + table + end);
if (sigmoidNext === sigmoidText && !sigmoidText.includes(table)) throw new Error('tf_sigmoid16.h: GENERATED markers not found');
if (sigmoidNext !== sigmoidText) writeFileSync(sigmoidTarget, sigmoidNext);
