// The C kernel library's copy of the kernel ABI (firmware-templates/kernels/tf_kernel_abi.h, and the
// tf_kernel_abi.h the C emitter writes beside a model): one struct per record layout, word-index
// #defines, and every kernel's prototype, generated from src/schedule/abi/.
import { KERNELS } from '../../src/schedule/abi/kernels.js';
import { MAX_RANK, RECORDS, recordFields, recordWords, type RecordName } from '../../src/schedule/abi/records.js';

/** A C header: one struct per record layout, word-index #defines, and every kernel's prototype. */
export function cAbiHeader(prefix = 'tf'): string {
  const P = prefix.toUpperCase();
  const lines = [
    '/* GENERATED from src/schedule/abi/ (records.ts, kernels.ts): the tinyforge kernel ABI. Do not edit. */',
    `#ifndef ${P}_KERNEL_ABI_H`,
    `#define ${P}_KERNEL_ABI_H`,
    '#include <stdint.h>',
    '',
    '/* A tensor reference: >= 0 an arena byte offset, < 0 the constant-data byte offset ~v. */',
    `#define ${P}_MAX_RANK ${MAX_RANK}`,
    '',
  ];
  for (const name of Object.keys(RECORDS) as RecordName[]) {
    lines.push(`typedef struct {`);
    for (const f of recordFields(name)) lines.push(`  int32_t ${f.name}${f.count > 1 ? `[${f.count}]` : ''};`);
    lines.push(`} ${prefix}_${name}_args;`);
    for (const f of recordFields(name)) lines.push(`#define ${P}_${name.toUpperCase()}_${f.name.toUpperCase()} ${f.index}`);
    lines.push(`#define ${P}_${name.toUpperCase()}_WORDS ${recordWords(name)}`, '');
  }
  for (const [symbol, spec] of Object.entries(KERNELS)) lines.push(`void ${symbol}(const int32_t *args); /* ${spec.record}: ${spec.summary} */`);
  lines.push('', `#endif /* ${P}_KERNEL_ABI_H */`, '');
  return lines.join('\n');
}
