// `npm run bench [-- --json] [-- --write]`: every benchmark, printed; --write refreshes BENCHMARKS.md.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planBench, planBenchMarkdown } from './plan.js';
import { writeSection } from './sections.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared');
if (!existsSync(join(shared, 'golden'))) {
  console.error(`bench: ${shared} not found; the benchmarks compare against its peer figures`);
  process.exit(1);
}
const args = new Set(process.argv.slice(2));
const rows = planBench(shared);
if (args.has('--json')) {
  console.log(JSON.stringify({ plan: rows }, null, 2));
} else {
  const section = planBenchMarkdown(rows);
  console.log(section);
  if (args.has('--write')) {
    const file = join(repo, 'BENCHMARKS.md');
    writeSection(file, 'plan', section, 'Peak SRAM (memory planner)');
    console.error(`bench: wrote the plan table to ${file}`);
  }
}
