// The search space as data: a MobileNetV2/MCUNet-style space (input resolutions, width multipliers, per-stage
// depth choices, kernel and expand-ratio choices per block, stage channels and strides), validated with
// typed errors that name the field, and one member of it (an Arch) checked against it.
import { UsageError } from '../errors.js';

export const KERNEL_CHOICES = [3, 5, 7] as const;
export const EXPAND_CHOICES = [3, 4, 6] as const;

export interface StageSpec {
  /** Output channels at width 1 (scaled by the width multiplier, rounded to a multiple of 8). */
  channels: number;
  /** Stride of the stage's first block. */
  stride: 1 | 2;
  /** Depths (number of blocks) the stage may take. */
  depths: number[];
}

export interface SearchSpace {
  name: string;
  /** Input channels (1 for Fashion-MNIST-like gray images, 3 for RGB). */
  inputChannels: number;
  classes: number;
  resolutions: number[];
  widths: number[];
  kernels: number[];
  expands: number[];
  /** The stem convolution's channels at width 1 (3x3, stride 2). */
  stemChannels: number;
  /** The last 1x1 convolution's channels before pooling (not scaled); 0 for none. */
  headChannels: number;
  stages: StageSpec[];
}

export interface BlockChoice {
  kernel: number;
  expand: number;
}

/** One member of a space: the depth of a stage is its number of blocks. */
export interface Arch {
  resolution: number;
  width: number;
  stages: BlockChoice[][];
}

const MAX_RESOLUTION = 512;

function fail(field: string, message: string, details: Record<string, unknown> = {}): never {
  throw new UsageError(`search space: ${field} ${message}`, { field, ...details });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown, field: string, max = 1 << 20): number {
  if (!(Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= max)) fail(field, `must be an integer in 1..${max}, got ${JSON.stringify(v)}`, { value: v });
  return v as number;
}

function choiceList(v: unknown, field: string, check: (x: unknown, f: string) => number): number[] {
  if (!Array.isArray(v) || v.length === 0) fail(field, `must be a non-empty array, got ${JSON.stringify(v)}`, { value: v });
  const out = v.map((x, i) => check(x, `${field}[${i}]`));
  if (new Set(out).size !== out.length) fail(field, `repeats a choice: ${JSON.stringify(out)}`, { value: out });
  return [...out].sort((a, b) => a - b);
}

function fromSet(allowed: readonly number[]) {
  return (x: unknown, f: string): number => {
    if (!allowed.includes(x as number)) fail(f, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(x)}`, { value: x, allowed });
    return x as number;
  };
}

/** A space from parsed JSON, every field checked; choice lists come back sorted ascending. */
export function parseSpace(json: unknown): SearchSpace {
  if (!isObject(json)) fail('(root)', `must be a JSON object, got ${JSON.stringify(json)?.slice(0, 40)}`);
  const name = json.name === undefined ? 'space' : json.name;
  if (typeof name !== 'string') fail('name', `must be a string, got ${JSON.stringify(name)}`);
  const stages = json.stages;
  if (!Array.isArray(stages) || stages.length === 0) fail('stages', `must be a non-empty array, got ${JSON.stringify(stages)}`);
  const space: SearchSpace = {
    name,
    inputChannels: positiveInt(json.inputChannels, 'inputChannels', 4),
    classes: positiveInt(json.classes, 'classes', 10000),
    resolutions: choiceList(json.resolutions, 'resolutions', (x, f) => positiveInt(x, f, MAX_RESOLUTION)),
    widths: choiceList(json.widths, 'widths', (x, f) => {
      if (!(typeof x === 'number' && x > 0 && x <= 4)) fail(f, `must be a number in (0, 4], got ${JSON.stringify(x)}`, { value: x });
      return x as number;
    }),
    kernels: choiceList(json.kernels, 'kernels', fromSet(KERNEL_CHOICES)),
    expands: choiceList(json.expands, 'expands', fromSet(EXPAND_CHOICES)),
    stemChannels: positiveInt(json.stemChannels, 'stemChannels', 4096),
    headChannels: json.headChannels === 0 ? 0 : positiveInt(json.headChannels, 'headChannels', 4096),
    stages: stages.map((s, i): StageSpec => {
      const f = `stages[${i}]`;
      if (!isObject(s)) fail(f, `must be an object, got ${JSON.stringify(s)}`);
      if (s.stride !== 1 && s.stride !== 2) fail(`${f}.stride`, `must be 1 or 2, got ${JSON.stringify(s.stride)}`, { value: s.stride });
      return { channels: positiveInt(s.channels, `${f}.channels`, 4096), stride: s.stride, depths: choiceList(s.depths, `${f}.depths`, (x, g) => positiveInt(x, g, 16)) };
    }),
  };
  // Every stride-2 layer (stem and stages) halves the map: the smallest resolution must survive them all.
  const halvings = 1 + space.stages.filter((s) => s.stride === 2).length;
  if (space.resolutions[0]! < 2 ** halvings) fail('resolutions', `smallest resolution ${space.resolutions[0]} is below ${2 ** halvings}, the ${halvings} stride-2 layers need it`, { halvings });
  return space;
}

/** Members of the space, exactly: resolutions x widths x, per stage, the sum over its depths d of (kernels x expands)^d. */
export function spaceSize(space: SearchSpace): bigint {
  const perBlock = BigInt(space.kernels.length * space.expands.length);
  let size = BigInt(space.resolutions.length * space.widths.length);
  for (const stage of space.stages) size *= stage.depths.reduce((sum, d) => sum + perBlock ** BigInt(d), 0n);
  return size;
}

/** The member taking the smallest (or largest) choice everywhere. */
export function extremeArch(space: SearchSpace, which: 'smallest' | 'largest'): Arch {
  const pick = (xs: readonly number[]) => (which === 'smallest' ? xs[0]! : xs[xs.length - 1]!);
  return {
    resolution: pick(space.resolutions),
    width: pick(space.widths),
    stages: space.stages.map((s) => Array.from({ length: pick(s.depths) }, () => ({ kernel: pick(space.kernels), expand: pick(space.expands) }))),
  };
}

function archFail(field: string, message: string, details: Record<string, unknown> = {}): never {
  throw new UsageError(`architecture: ${field} ${message}`, { field, ...details });
}

/** An Arch from parsed JSON, checked to be a member of the space. */
export function parseArch(json: unknown, space: SearchSpace): Arch {
  if (!isObject(json)) archFail('(root)', 'must be a JSON object');
  const inList = (v: unknown, list: readonly number[], field: string): number => {
    if (!list.includes(v as number)) archFail(field, `must be one of ${list.join(', ')} (the space's choices), got ${JSON.stringify(v)}`, { value: v, allowed: list });
    return v as number;
  };
  const resolution = inList(json.resolution, space.resolutions, 'resolution');
  const width = inList(json.width, space.widths, 'width');
  const stages = json.stages;
  if (!Array.isArray(stages) || stages.length !== space.stages.length) {
    archFail('stages', `must be an array of ${space.stages.length} stages (one per stage of the space), got ${Array.isArray(stages) ? stages.length : JSON.stringify(stages)}`);
  }
  return {
    resolution,
    width,
    stages: stages.map((blocks, i) => {
      const f = `stages[${i}]`;
      if (!Array.isArray(blocks)) archFail(f, `must be an array of blocks, got ${JSON.stringify(blocks)}`);
      inList(blocks.length, space.stages[i]!.depths, `${f} depth`);
      return blocks.map((b, j) => {
        if (!isObject(b)) archFail(`${f}[${j}]`, `must be an object {kernel, expand}, got ${JSON.stringify(b)}`);
        return { kernel: inList(b.kernel, space.kernels, `${f}[${j}].kernel`), expand: inList(b.expand, space.expands, `${f}[${j}].expand`) };
      });
    }),
  };
}

/** The arch an `archKey` text names, checked to be a member of the space (a key holds one digit per kernel and expand). */
export function archFromKey(key: string, space: SearchSpace): Arch {
  const m = /^(\d+)\/(\d+(?:\.\d+)?)\/(\d\d(?:\.\d\d)*(?:-\d\d(?:\.\d\d)*)*)$/.exec(key);
  if (!m) archFail('key', `must read resolution/width/stages with each block its kernel and expand digits (e.g. 16/0.5/33-54.76), got ${JSON.stringify(key)}`, { value: key });
  const stages = m[3]!.split('-').map((s) => s.split('.').map((b) => ({ kernel: Number(b[0]), expand: Number(b[1]) })));
  return parseArch({ resolution: Number(m[1]), width: Number(m[2]), stages }, space);
}

/** A short canonical text of an arch: equal archs give equal keys (the predictor's cache key). */
export function archKey(arch: Arch): string {
  return `${arch.resolution}/${arch.width}/${arch.stages.map((s) => s.map((b) => `${b.kernel}${b.expand}`).join('.')).join('-')}`;
}
