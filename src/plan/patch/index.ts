// Patch-based inference (MCUNetV2): the first layers run tile by tile so their big tensors never exist
// whole. See stage.ts (regions, DAGs), unroll.ts (tile steps and window copies), plan.ts (placement,
// auto search) and verify.ts; src/schedule/lower-patched.ts lowers a patched plan to a Schedule.
export { buildStage, tileCount, type PatchSetting, type Slot, type SlotRole, type Stage } from './stage.js';
export { unrollStage, withCopyOperands, type PatchCopy, type Unrolled } from './unroll.js';
export {
  isPatchedPlan,
  planPatchAuto,
  patchSummary,
  planPatched,
  type PatchAutoOptions,
  type PatchAutoResult,
  type PatchCandidate,
  type PatchedPlan,
  type PatchInfo,
  type PatchSummary,
} from './plan.js';
export { verifyPatchedPlan } from './verify.js';
export { boxEquals, gridBox, inputBoxes, notTileable, splitPoints, tileAttrs, type Box } from './regions.js';
