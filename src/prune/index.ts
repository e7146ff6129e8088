// Pruning (issue #13): fine-grained magnitude pruning, sensitivity scans, channel pruning, and fine-tuning
// with a fixed mask. Browser-safe: accuracy comes from the caller's evaluator.
export { PRUNABLE_KINDS, byLayerName, layerLabel, prunableLayers, realWeights, type PrunableKind, type PrunableLayer } from './layers.js';
export { checkSparsity, pruneMagnitude, prunedCount, smallestMagnitudes, uniformSparsity, zeroShare, type MagnitudeResult, type PrunedLayer } from './magnitude.js';
export { SCAN_SPARSITIES, parseScan, sensitivityScan, sparsitiesForShare, sparsitiesWithinDrop, type Evaluator, type Scan, type ScanLayer, type ScanPoint } from './scan.js';
export { CHANNEL_CRITERIA, pruneChannels, type ChannelCriterion, type ChannelLayer, type ChannelResult } from './channels.js';
export { activatedConvs, finetune, type FinetuneOptions } from './finetune.js';
export { preActivationStats, renormalize, type ChannelStats, type RenormalizeOptions, type RenormalizedLayer } from './renormalize.js';
export { DEFAULT_PRUNE_STEPS, PRUNE_RAMP, agpBatch, agpSparsity, type GradualPruning } from './schedule.js';
export { scanPage, tradeoffPage, type ScanPageInfo, type TradeoffNet, type TradeoffPoint } from './report.js';
