// The stage order of DEVELOPERS.md as data, and a checker over the import lines of src/** and codegen/**:
// a file may import its own stage or an earlier one, never a later one nor a sibling stage.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Stages in dependency order: a stage may import only stages with a lower rank (and itself). */
export const STAGE_RANKS: Readonly<Record<string, number>> = {
  base: 0, // src/errors.ts, src/escape.ts, src/optional-package.ts, src/package-asset.ts: leaf helpers every stage may use (TinyforgeErrors, output escaping)
  ir: 1,
  import: 2,
  builder: 2,
  passes: 3,
  plan: 4,
  schedule: 5,
  reference: 6,
  cost: 6,
  codegen: 6,
  report: 7,
  quantize: 7, // post-training quantization: calibration over the float reference interpreter (src/quantize/)
  data: 7, // datasets and metrics over reference tensor views (src/data/)
  train: 8, // float training on tfjs-core: the SIMD backend, nets, loop over datasets (src/train/)
  prune: 8.5, // pruning: magnitude and channel pruning, scans, fine-tuning through src/train (src/prune/)
  api: 9, // src/pipeline.ts, src/index.ts: the stages strung together, the library API
  nas: 9.5, // architecture search: the space as data, the efficiency predictor over pipeline's planner, agents (src/nas/)
  cli: 10,
};

/** Top-level files of src/ and their stage; a new one must be added here (stageOf throws). */
const TOP_LEVEL: Readonly<Record<string, string>> = {
  'errors.ts': 'base',
  'escape.ts': 'base',
  'optional-package.ts': 'base', // names a missing optional npm package (E_TOOLCHAIN)
  'package-asset.ts': 'base', // reads the package's build/*.wasm (kernel libraries) in Node and browsers
  'pipeline.ts': 'api',
  'index.ts': 'api',
};

/** The stage of a repo-relative .ts path, or null outside src/ and codegen/. */
export function stageOf(file: string): string | null {
  const parts = file.split('/');
  if (parts[0] === 'codegen') return 'codegen';
  if (parts[0] !== 'src') return null;
  const stage = parts.length === 2 ? TOP_LEVEL[parts[1]!] : parts[1]! in STAGE_RANKS ? parts[1]! : undefined;
  if (!stage) throw new Error(`${file} is in no stage: add its folder to STAGE_RANKS or the file to TOP_LEVEL`);
  return stage;
}

export interface ImportEdge {
  from: string;
  to: string;
}

/** Relative module specifiers a source imports: static imports, re-exports, dynamic and type imports. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s+'(\.{1,2}\/[^']+)'/g, /\bimport\s*\(\s*'(\.{1,2}\/[^']+)'\s*\)/g, /^\s*import\s+'(\.{1,2}\/[^']+)'/gm];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

function tsFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return tsFiles(root, path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import of src/** and codegen/** as repo-relative .ts paths. */
export function repoImports(root: string): ImportEdge[] {
  return ['src', 'codegen'].flatMap((dir) => tsFiles(root, dir)).flatMap((from) =>
    importSpecifiers(readFileSync(join(root, from), 'utf8')).map((spec) => ({
      from,
      to: relative(root, resolve(root, dirname(from), spec)).replace(/\.js$/, '.ts'),
    })),
  );
}

/** Imports that go against the stage order (later stage, or a sibling stage of the same rank). */
export function stageViolations(edges: readonly ImportEdge[]): Array<ImportEdge & { fromStage: string; toStage: string }> {
  return edges.flatMap((e) => {
    const fromStage = stageOf(e.from), toStage = stageOf(e.to);
    if (!fromStage || !toStage || fromStage === toStage) return [];
    return STAGE_RANKS[toStage]! < STAGE_RANKS[fromStage]! ? [] : [{ ...e, fromStage, toStage }];
  });
}
