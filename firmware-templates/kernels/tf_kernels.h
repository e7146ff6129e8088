/* tinyforge kernel library: int8 kernels bit-exact with the TypeScript reference (src/reference/ops),
 * including the planner's overlap variants with exactly their access order (src/reference/variants.ts).
 * C99, no malloc, no stdio.
 *
 * Every kernel is `void <symbol>(const int32_t *args)` (the shared kernel ABI, src/schedule/abi/):
 * `args` is the call's argument record (tf_kernel_abi.h, generated), and its tensor references are
 * resolved against the two bases the generated model sets before its calls: tf_arena (activations,
 * reference v >= 0 = byte offset v) and tf_consts (weights and records, v < 0 = byte offset ~v).
 * Portable C everywhere; ARMv7E-M paths (ACLE SXTB16/SMLAD) under __ARM_FEATURE_DSP. */
#ifndef TF_KERNELS_H
#define TF_KERNELS_H
#include <stddef.h>
#include <stdint.h>
#include "tf_kernel_abi.h"

/* The bases of the model being run (set by its invoke), and a sticky error status (0 = ok; -1: a
 * SOFTMAX row whose sum of exponentials is outside TFLM's range, where TFLM aborts; an RSQRT input
 * below its zero point, where TFLM's Invoke fails). */
extern uint8_t *tf_arena;
extern const uint8_t *tf_consts;
extern int32_t tf_status;

static inline void *tf_ref(int32_t v) { return v >= 0 ? (void *)(tf_arena + v) : (void *)(uintptr_t)(tf_consts + ~v); }

/* Per-output-channel requantization arrays of a CONV / DEPTHWISE / FC call (always one per channel). */
typedef struct {
  const int32_t *bias, *multiplier, *shift;
  int32_t input_offset, output_offset, act_min, act_max;
} tf_requant;

/* What one output unit of a CONV_2D / DEPTHWISE_CONV_2D needs, gathered once per call (the reference's
 * convContext / depthwiseContext). filter_depth: conv only; depth_multiplier: depthwise only. */
typedef struct {
  int32_t batches, in_h, in_w, in_depth, out_h, out_w, out_depth;
  int32_t filter_h, filter_w, filter_depth, depth_multiplier;
  int32_t stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  const int8_t *filter;
  tf_requant q;
} tf_conv_params;

/* Element types of the kernels that take several. */
enum { TF_INT8 = 0, TF_UINT8 = 1, TF_INT16 = 2, TF_INT32 = 3, TF_FLOAT32 = 4 };

#endif
