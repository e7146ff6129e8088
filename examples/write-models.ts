// Writes every bundled demo model as a .tflite file: `node dist/examples/write-models.js [outDir]`
// (default examples/build/, which git ignores).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTflite } from '../src/import/tflite/index.js';
import { DEMO_MODELS } from './models/index.js';

// dist/examples/write-models.js -> <repo>/examples/build
const defaultDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'examples', 'build');
const outDir = resolve(process.argv[2] ?? defaultDir);
mkdirSync(outDir, { recursive: true });
for (const model of DEMO_MODELS) {
  const graph = model.build();
  const bytes = writeTflite(graph);
  const file = join(outDir, `${model.name}.tflite`);
  writeFileSync(file, bytes);
  console.log(`${file}: ${bytes.byteLength.toLocaleString('en-US')} bytes, ${graph.ops.length} ops, ${graph.tensors.length} tensors`);
}
