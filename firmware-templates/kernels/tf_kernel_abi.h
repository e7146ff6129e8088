/* GENERATED from src/schedule/abi/ (records.ts, kernels.ts): the tinyforge kernel ABI. Do not edit. */
#ifndef TF_KERNEL_ABI_H
#define TF_KERNEL_ABI_H
#include <stdint.h>

/* A tensor reference: >= 0 an arena byte offset, < 0 the constant-data byte offset ~v. */
#define TF_MAX_RANK 6

typedef struct {
  int32_t input;
  int32_t output;
  int32_t filter;
  int32_t bias;
  int32_t multiplier;
  int32_t shift;
  int32_t scratch;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t in_depth;
  int32_t out_h;
  int32_t out_w;
  int32_t out_depth;
  int32_t filter_h;
  int32_t filter_w;
  int32_t filter_depth;
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_top;
  int32_t pad_left;
  int32_t input_offset;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
  int32_t workspace;
  int32_t workspace_bytes;
  int32_t channel_records;
} tf_conv2d_args;
#define TF_CONV2D_INPUT 0
#define TF_CONV2D_OUTPUT 1
#define TF_CONV2D_FILTER 2
#define TF_CONV2D_BIAS 3
#define TF_CONV2D_MULTIPLIER 4
#define TF_CONV2D_SHIFT 5
#define TF_CONV2D_SCRATCH 6
#define TF_CONV2D_BATCHES 7
#define TF_CONV2D_IN_H 8
#define TF_CONV2D_IN_W 9
#define TF_CONV2D_IN_DEPTH 10
#define TF_CONV2D_OUT_H 11
#define TF_CONV2D_OUT_W 12
#define TF_CONV2D_OUT_DEPTH 13
#define TF_CONV2D_FILTER_H 14
#define TF_CONV2D_FILTER_W 15
#define TF_CONV2D_FILTER_DEPTH 16
#define TF_CONV2D_STRIDE_H 17
#define TF_CONV2D_STRIDE_W 18
#define TF_CONV2D_DILATION_H 19
#define TF_CONV2D_DILATION_W 20
#define TF_CONV2D_PAD_TOP 21
#define TF_CONV2D_PAD_LEFT 22
#define TF_CONV2D_INPUT_OFFSET 23
#define TF_CONV2D_OUTPUT_OFFSET 24
#define TF_CONV2D_ACT_MIN 25
#define TF_CONV2D_ACT_MAX 26
#define TF_CONV2D_WORKSPACE 27
#define TF_CONV2D_WORKSPACE_BYTES 28
#define TF_CONV2D_CHANNEL_RECORDS 29
#define TF_CONV2D_WORDS 30

typedef struct {
  int32_t input;
  int32_t output;
  int32_t filter;
  int32_t bias;
  int32_t multiplier;
  int32_t shift;
  int32_t scratch;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t in_depth;
  int32_t out_h;
  int32_t out_w;
  int32_t out_depth;
  int32_t filter_h;
  int32_t filter_w;
  int32_t depth_multiplier;
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_top;
  int32_t pad_left;
  int32_t input_offset;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
  int32_t workspace;
  int32_t workspace_bytes;
  int32_t channel_records;
} tf_dwconv2d_args;
#define TF_DWCONV2D_INPUT 0
#define TF_DWCONV2D_OUTPUT 1
#define TF_DWCONV2D_FILTER 2
#define TF_DWCONV2D_BIAS 3
#define TF_DWCONV2D_MULTIPLIER 4
#define TF_DWCONV2D_SHIFT 5
#define TF_DWCONV2D_SCRATCH 6
#define TF_DWCONV2D_BATCHES 7
#define TF_DWCONV2D_IN_H 8
#define TF_DWCONV2D_IN_W 9
#define TF_DWCONV2D_IN_DEPTH 10
#define TF_DWCONV2D_OUT_H 11
#define TF_DWCONV2D_OUT_W 12
#define TF_DWCONV2D_OUT_DEPTH 13
#define TF_DWCONV2D_FILTER_H 14
#define TF_DWCONV2D_FILTER_W 15
#define TF_DWCONV2D_DEPTH_MULTIPLIER 16
#define TF_DWCONV2D_STRIDE_H 17
#define TF_DWCONV2D_STRIDE_W 18
#define TF_DWCONV2D_DILATION_H 19
#define TF_DWCONV2D_DILATION_W 20
#define TF_DWCONV2D_PAD_TOP 21
#define TF_DWCONV2D_PAD_LEFT 22
#define TF_DWCONV2D_INPUT_OFFSET 23
#define TF_DWCONV2D_OUTPUT_OFFSET 24
#define TF_DWCONV2D_ACT_MIN 25
#define TF_DWCONV2D_ACT_MAX 26
#define TF_DWCONV2D_WORKSPACE 27
#define TF_DWCONV2D_WORKSPACE_BYTES 28
#define TF_DWCONV2D_CHANNEL_RECORDS 29
#define TF_DWCONV2D_WORDS 30

typedef struct {
  int32_t input;
  int32_t output;
  int32_t filter;
  int32_t bias;
  int32_t multiplier;
  int32_t shift;
  int32_t scratch;
  int32_t batches;
  int32_t units;
  int32_t depth;
  int32_t input_offset;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
  int32_t workspace;
  int32_t workspace_bytes;
  int32_t per_tensor;
} tf_fully_connected_args;
#define TF_FULLY_CONNECTED_INPUT 0
#define TF_FULLY_CONNECTED_OUTPUT 1
#define TF_FULLY_CONNECTED_FILTER 2
#define TF_FULLY_CONNECTED_BIAS 3
#define TF_FULLY_CONNECTED_MULTIPLIER 4
#define TF_FULLY_CONNECTED_SHIFT 5
#define TF_FULLY_CONNECTED_SCRATCH 6
#define TF_FULLY_CONNECTED_BATCHES 7
#define TF_FULLY_CONNECTED_UNITS 8
#define TF_FULLY_CONNECTED_DEPTH 9
#define TF_FULLY_CONNECTED_INPUT_OFFSET 10
#define TF_FULLY_CONNECTED_OUTPUT_OFFSET 11
#define TF_FULLY_CONNECTED_ACT_MIN 12
#define TF_FULLY_CONNECTED_ACT_MAX 13
#define TF_FULLY_CONNECTED_WORKSPACE 14
#define TF_FULLY_CONNECTED_WORKSPACE_BYTES 15
#define TF_FULLY_CONNECTED_PER_TENSOR 16
#define TF_FULLY_CONNECTED_WORDS 17

typedef struct {
  int32_t input;
  int32_t output;
  int32_t filter;
  int32_t bias;
  int32_t multiplier;
  int32_t shift;
  int32_t scratch;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t in_depth;
  int32_t out_h;
  int32_t out_w;
  int32_t out_depth;
  int32_t filter_h;
  int32_t filter_w;
  int32_t filter_depth;
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_top;
  int32_t pad_left;
  int32_t input_offset;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
  int32_t workspace;
  int32_t workspace_bytes;
  int32_t channel_records;
  int32_t ancillary;
  int32_t bit_width;
  int32_t stride;
  int32_t channels;
} tf_conv2d_lut_args;
#define TF_CONV2D_LUT_INPUT 0
#define TF_CONV2D_LUT_OUTPUT 1
#define TF_CONV2D_LUT_FILTER 2
#define TF_CONV2D_LUT_BIAS 3
#define TF_CONV2D_LUT_MULTIPLIER 4
#define TF_CONV2D_LUT_SHIFT 5
#define TF_CONV2D_LUT_SCRATCH 6
#define TF_CONV2D_LUT_BATCHES 7
#define TF_CONV2D_LUT_IN_H 8
#define TF_CONV2D_LUT_IN_W 9
#define TF_CONV2D_LUT_IN_DEPTH 10
#define TF_CONV2D_LUT_OUT_H 11
#define TF_CONV2D_LUT_OUT_W 12
#define TF_CONV2D_LUT_OUT_DEPTH 13
#define TF_CONV2D_LUT_FILTER_H 14
#define TF_CONV2D_LUT_FILTER_W 15
#define TF_CONV2D_LUT_FILTER_DEPTH 16
#define TF_CONV2D_LUT_STRIDE_H 17
#define TF_CONV2D_LUT_STRIDE_W 18
#define TF_CONV2D_LUT_DILATION_H 19
#define TF_CONV2D_LUT_DILATION_W 20
#define TF_CONV2D_LUT_PAD_TOP 21
#define TF_CONV2D_LUT_PAD_LEFT 22
#define TF_CONV2D_LUT_INPUT_OFFSET 23
#define TF_CONV2D_LUT_OUTPUT_OFFSET 24
#define TF_CONV2D_LUT_ACT_MIN 25
#define TF_CONV2D_LUT_ACT_MAX 26
#define TF_CONV2D_LUT_WORKSPACE 27
#define TF_CONV2D_LUT_WORKSPACE_BYTES 28
#define TF_CONV2D_LUT_CHANNEL_RECORDS 29
#define TF_CONV2D_LUT_ANCILLARY 30
#define TF_CONV2D_LUT_BIT_WIDTH 31
#define TF_CONV2D_LUT_STRIDE 32
#define TF_CONV2D_LUT_CHANNELS 33
#define TF_CONV2D_LUT_WORDS 34

typedef struct {
  int32_t input;
  int32_t output;
  int32_t filter;
  int32_t bias;
  int32_t multiplier;
  int32_t shift;
  int32_t scratch;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t in_depth;
  int32_t out_h;
  int32_t out_w;
  int32_t out_depth;
  int32_t filter_h;
  int32_t filter_w;
  int32_t depth_multiplier;
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_top;
  int32_t pad_left;
  int32_t input_offset;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
  int32_t workspace;
  int32_t workspace_bytes;
  int32_t channel_records;
  int32_t ancillary;
  int32_t bit_width;
  int32_t stride;
  int32_t channels;
} tf_dwconv2d_lut_args;
#define TF_DWCONV2D_LUT_INPUT 0
#define TF_DWCONV2D_LUT_OUTPUT 1
#define TF_DWCONV2D_LUT_FILTER 2
#define TF_DWCONV2D_LUT_BIAS 3
#define TF_DWCONV2D_LUT_MULTIPLIER 4
#define TF_DWCONV2D_LUT_SHIFT 5
#define TF_DWCONV2D_LUT_SCRATCH 6
#define TF_DWCONV2D_LUT_BATCHES 7
#define TF_DWCONV2D_LUT_IN_H 8
#define TF_DWCONV2D_LUT_IN_W 9
#define TF_DWCONV2D_LUT_IN_DEPTH 10
#define TF_DWCONV2D_LUT_OUT_H 11
#define TF_DWCONV2D_LUT_OUT_W 12
#define TF_DWCONV2D_LUT_OUT_DEPTH 13
#define TF_DWCONV2D_LUT_FILTER_H 14
#define TF_DWCONV2D_LUT_FILTER_W 15
#define TF_DWCONV2D_LUT_DEPTH_MULTIPLIER 16
#define TF_DWCONV2D_LUT_STRIDE_H 17
#define TF_DWCONV2D_LUT_STRIDE_W 18
#define TF_DWCONV2D_LUT_DILATION_H 19
#define TF_DWCONV2D_LUT_DILATION_W 20
#define TF_DWCONV2D_LUT_PAD_TOP 21
#define TF_DWCONV2D_LUT_PAD_LEFT 22
#define TF_DWCONV2D_LUT_INPUT_OFFSET 23
#define TF_DWCONV2D_LUT_OUTPUT_OFFSET 24
#define TF_DWCONV2D_LUT_ACT_MIN 25
#define TF_DWCONV2D_LUT_ACT_MAX 26
#define TF_DWCONV2D_LUT_WORKSPACE 27
#define TF_DWCONV2D_LUT_WORKSPACE_BYTES 28
#define TF_DWCONV2D_LUT_CHANNEL_RECORDS 29
#define TF_DWCONV2D_LUT_ANCILLARY 30
#define TF_DWCONV2D_LUT_BIT_WIDTH 31
#define TF_DWCONV2D_LUT_STRIDE 32
#define TF_DWCONV2D_LUT_CHANNELS 33
#define TF_DWCONV2D_LUT_WORDS 34

typedef struct {
  int32_t input;
  int32_t output;
  int32_t filter;
  int32_t bias;
  int32_t multiplier;
  int32_t shift;
  int32_t scratch;
  int32_t batches;
  int32_t units;
  int32_t depth;
  int32_t input_offset;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
  int32_t workspace;
  int32_t workspace_bytes;
  int32_t per_tensor;
  int32_t ancillary;
  int32_t bit_width;
  int32_t stride;
  int32_t channels;
} tf_fully_connected_lut_args;
#define TF_FULLY_CONNECTED_LUT_INPUT 0
#define TF_FULLY_CONNECTED_LUT_OUTPUT 1
#define TF_FULLY_CONNECTED_LUT_FILTER 2
#define TF_FULLY_CONNECTED_LUT_BIAS 3
#define TF_FULLY_CONNECTED_LUT_MULTIPLIER 4
#define TF_FULLY_CONNECTED_LUT_SHIFT 5
#define TF_FULLY_CONNECTED_LUT_SCRATCH 6
#define TF_FULLY_CONNECTED_LUT_BATCHES 7
#define TF_FULLY_CONNECTED_LUT_UNITS 8
#define TF_FULLY_CONNECTED_LUT_DEPTH 9
#define TF_FULLY_CONNECTED_LUT_INPUT_OFFSET 10
#define TF_FULLY_CONNECTED_LUT_OUTPUT_OFFSET 11
#define TF_FULLY_CONNECTED_LUT_ACT_MIN 12
#define TF_FULLY_CONNECTED_LUT_ACT_MAX 13
#define TF_FULLY_CONNECTED_LUT_WORKSPACE 14
#define TF_FULLY_CONNECTED_LUT_WORKSPACE_BYTES 15
#define TF_FULLY_CONNECTED_LUT_PER_TENSOR 16
#define TF_FULLY_CONNECTED_LUT_ANCILLARY 17
#define TF_FULLY_CONNECTED_LUT_BIT_WIDTH 18
#define TF_FULLY_CONNECTED_LUT_STRIDE 19
#define TF_FULLY_CONNECTED_LUT_CHANNELS 20
#define TF_FULLY_CONNECTED_LUT_WORDS 21

typedef struct {
  int32_t input;
  int32_t output;
  int32_t scratch;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t depth;
  int32_t out_h;
  int32_t out_w;
  int32_t filter_h;
  int32_t filter_w;
  int32_t stride_h;
  int32_t stride_w;
  int32_t pad_top;
  int32_t pad_left;
  int32_t act_min;
  int32_t act_max;
} tf_pool2d_args;
#define TF_POOL2D_INPUT 0
#define TF_POOL2D_OUTPUT 1
#define TF_POOL2D_SCRATCH 2
#define TF_POOL2D_BATCHES 3
#define TF_POOL2D_IN_H 4
#define TF_POOL2D_IN_W 5
#define TF_POOL2D_DEPTH 6
#define TF_POOL2D_OUT_H 7
#define TF_POOL2D_OUT_W 8
#define TF_POOL2D_FILTER_H 9
#define TF_POOL2D_FILTER_W 10
#define TF_POOL2D_STRIDE_H 11
#define TF_POOL2D_STRIDE_W 12
#define TF_POOL2D_PAD_TOP 13
#define TF_POOL2D_PAD_LEFT 14
#define TF_POOL2D_ACT_MIN 15
#define TF_POOL2D_ACT_MAX 16
#define TF_POOL2D_WORDS 17

typedef struct {
  int32_t input1;
  int32_t input2;
  int32_t output;
  int32_t size;
  int32_t flat;
  int32_t out_shape[6];
  int32_t in1_strides[6];
  int32_t in2_strides[6];
  int32_t left_shift;
  int32_t input1_offset;
  int32_t input2_offset;
  int32_t output_offset;
  int32_t input1_multiplier;
  int32_t input1_shift;
  int32_t input2_multiplier;
  int32_t input2_shift;
  int32_t output_multiplier;
  int32_t output_shift;
  int32_t act_min;
  int32_t act_max;
  int32_t table;
} tf_add_args;
#define TF_ADD_INPUT1 0
#define TF_ADD_INPUT2 1
#define TF_ADD_OUTPUT 2
#define TF_ADD_SIZE 3
#define TF_ADD_FLAT 4
#define TF_ADD_OUT_SHAPE 5
#define TF_ADD_IN1_STRIDES 11
#define TF_ADD_IN2_STRIDES 17
#define TF_ADD_LEFT_SHIFT 23
#define TF_ADD_INPUT1_OFFSET 24
#define TF_ADD_INPUT2_OFFSET 25
#define TF_ADD_OUTPUT_OFFSET 26
#define TF_ADD_INPUT1_MULTIPLIER 27
#define TF_ADD_INPUT1_SHIFT 28
#define TF_ADD_INPUT2_MULTIPLIER 29
#define TF_ADD_INPUT2_SHIFT 30
#define TF_ADD_OUTPUT_MULTIPLIER 31
#define TF_ADD_OUTPUT_SHIFT 32
#define TF_ADD_ACT_MIN 33
#define TF_ADD_ACT_MAX 34
#define TF_ADD_TABLE 35
#define TF_ADD_WORDS 36

typedef struct {
  int32_t input1;
  int32_t input2;
  int32_t output;
  int32_t size;
  int32_t flat;
  int32_t out_shape[6];
  int32_t in1_strides[6];
  int32_t in2_strides[6];
  int32_t input1_offset;
  int32_t input2_offset;
  int32_t output_offset;
  int32_t output_multiplier;
  int32_t output_shift;
  int32_t act_min;
  int32_t act_max;
} tf_mul_args;
#define TF_MUL_INPUT1 0
#define TF_MUL_INPUT2 1
#define TF_MUL_OUTPUT 2
#define TF_MUL_SIZE 3
#define TF_MUL_FLAT 4
#define TF_MUL_OUT_SHAPE 5
#define TF_MUL_IN1_STRIDES 11
#define TF_MUL_IN2_STRIDES 17
#define TF_MUL_INPUT1_OFFSET 23
#define TF_MUL_INPUT2_OFFSET 24
#define TF_MUL_OUTPUT_OFFSET 25
#define TF_MUL_OUTPUT_MULTIPLIER 26
#define TF_MUL_OUTPUT_SHIFT 27
#define TF_MUL_ACT_MIN 28
#define TF_MUL_ACT_MAX 29
#define TF_MUL_WORDS 30

typedef struct {
  int32_t input1;
  int32_t input2;
  int32_t output;
  int32_t size;
  int32_t flat;
  int32_t out_shape[6];
  int32_t in1_strides[6];
  int32_t in2_strides[6];
} tf_max_min_args;
#define TF_MAX_MIN_INPUT1 0
#define TF_MAX_MIN_INPUT2 1
#define TF_MAX_MIN_OUTPUT 2
#define TF_MAX_MIN_SIZE 3
#define TF_MAX_MIN_FLAT 4
#define TF_MAX_MIN_OUT_SHAPE 5
#define TF_MAX_MIN_IN1_STRIDES 11
#define TF_MAX_MIN_IN2_STRIDES 17
#define TF_MAX_MIN_WORDS 23

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t input_offset;
  int32_t output_offset;
  int32_t output_multiplier;
  int32_t output_shift;
  int32_t act_min;
  int32_t act_max;
} tf_relu_args;
#define TF_RELU_INPUT 0
#define TF_RELU_OUTPUT 1
#define TF_RELU_SIZE 2
#define TF_RELU_INPUT_OFFSET 3
#define TF_RELU_OUTPUT_OFFSET 4
#define TF_RELU_OUTPUT_MULTIPLIER 5
#define TF_RELU_OUTPUT_SHIFT 6
#define TF_RELU_ACT_MIN 7
#define TF_RELU_ACT_MAX 8
#define TF_RELU_WORDS 9

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t act_min;
  int32_t act_max;
} tf_clamp_args;
#define TF_CLAMP_INPUT 0
#define TF_CLAMP_OUTPUT 1
#define TF_CLAMP_SIZE 2
#define TF_CLAMP_ACT_MIN 3
#define TF_CLAMP_ACT_MAX 4
#define TF_CLAMP_WORDS 5

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t input_offset;
  int32_t output_offset;
  int32_t multiplier_alpha;
  int32_t shift_alpha;
  int32_t multiplier_identity;
  int32_t shift_identity;
} tf_leaky_relu_args;
#define TF_LEAKY_RELU_INPUT 0
#define TF_LEAKY_RELU_OUTPUT 1
#define TF_LEAKY_RELU_SIZE 2
#define TF_LEAKY_RELU_INPUT_OFFSET 3
#define TF_LEAKY_RELU_OUTPUT_OFFSET 4
#define TF_LEAKY_RELU_MULTIPLIER_ALPHA 5
#define TF_LEAKY_RELU_SHIFT_ALPHA 6
#define TF_LEAKY_RELU_MULTIPLIER_IDENTITY 7
#define TF_LEAKY_RELU_SHIFT_IDENTITY 8
#define TF_LEAKY_RELU_WORDS 9

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t reluish_multiplier;
  int32_t reluish_exponent;
  int32_t output_multiplier;
  int32_t output_exponent;
} tf_hard_swish_args;
#define TF_HARD_SWISH_INPUT 0
#define TF_HARD_SWISH_OUTPUT 1
#define TF_HARD_SWISH_SIZE 2
#define TF_HARD_SWISH_INPUT_ZERO_POINT 3
#define TF_HARD_SWISH_OUTPUT_ZERO_POINT 4
#define TF_HARD_SWISH_RELUISH_MULTIPLIER 5
#define TF_HARD_SWISH_RELUISH_EXPONENT 6
#define TF_HARD_SWISH_OUTPUT_MULTIPLIER 7
#define TF_HARD_SWISH_OUTPUT_EXPONENT 8
#define TF_HARD_SWISH_WORDS 9

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t input_zero_point;
  int32_t input_range_radius;
  int32_t input_multiplier;
  int32_t input_left_shift;
} tf_sigmoid_args;
#define TF_SIGMOID_INPUT 0
#define TF_SIGMOID_OUTPUT 1
#define TF_SIGMOID_SIZE 2
#define TF_SIGMOID_INPUT_ZERO_POINT 3
#define TF_SIGMOID_INPUT_RANGE_RADIUS 4
#define TF_SIGMOID_INPUT_MULTIPLIER 5
#define TF_SIGMOID_INPUT_LEFT_SHIFT 6
#define TF_SIGMOID_WORDS 7

typedef struct {
  int32_t input;
  int32_t output;
  int32_t rows;
  int32_t depth;
  int32_t input_multiplier;
  int32_t input_left_shift;
  int32_t diff_min;
  int32_t exp_lut;
  int32_t recip_lut;
} tf_softmax_args;
#define TF_SOFTMAX_INPUT 0
#define TF_SOFTMAX_OUTPUT 1
#define TF_SOFTMAX_ROWS 2
#define TF_SOFTMAX_DEPTH 3
#define TF_SOFTMAX_INPUT_MULTIPLIER 4
#define TF_SOFTMAX_INPUT_LEFT_SHIFT 5
#define TF_SOFTMAX_DIFF_MIN 6
#define TF_SOFTMAX_EXP_LUT 7
#define TF_SOFTMAX_RECIP_LUT 8
#define TF_SOFTMAX_WORDS 9

typedef struct {
  int32_t input;
  int32_t output;
  int32_t out_size;
  int32_t count;
  int32_t kept_shape[6];
  int32_t kept_strides[6];
  int32_t red_shape[6];
  int32_t red_strides[6];
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;
  int32_t shift;
} tf_mean_args;
#define TF_MEAN_INPUT 0
#define TF_MEAN_OUTPUT 1
#define TF_MEAN_OUT_SIZE 2
#define TF_MEAN_COUNT 3
#define TF_MEAN_KEPT_SHAPE 4
#define TF_MEAN_KEPT_STRIDES 10
#define TF_MEAN_RED_SHAPE 16
#define TF_MEAN_RED_STRIDES 22
#define TF_MEAN_INPUT_ZERO_POINT 28
#define TF_MEAN_OUTPUT_ZERO_POINT 29
#define TF_MEAN_MULTIPLIER 30
#define TF_MEAN_SHIFT 31
#define TF_MEAN_WORDS 32

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t scale;
  int32_t zero_point;
  int32_t qmin;
  int32_t qmax;
} tf_quantize_args;
#define TF_QUANTIZE_INPUT 0
#define TF_QUANTIZE_OUTPUT 1
#define TF_QUANTIZE_SIZE 2
#define TF_QUANTIZE_SCALE 3
#define TF_QUANTIZE_ZERO_POINT 4
#define TF_QUANTIZE_QMIN 5
#define TF_QUANTIZE_QMAX 6
#define TF_QUANTIZE_WORDS 7

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;
  int32_t shift;
  int32_t qmin;
  int32_t qmax;
} tf_requantize_args;
#define TF_REQUANTIZE_INPUT 0
#define TF_REQUANTIZE_OUTPUT 1
#define TF_REQUANTIZE_SIZE 2
#define TF_REQUANTIZE_INPUT_ZERO_POINT 3
#define TF_REQUANTIZE_OUTPUT_ZERO_POINT 4
#define TF_REQUANTIZE_MULTIPLIER 5
#define TF_REQUANTIZE_SHIFT 6
#define TF_REQUANTIZE_QMIN 7
#define TF_REQUANTIZE_QMAX 8
#define TF_REQUANTIZE_WORDS 9

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t scale;
  int32_t zero_point;
} tf_dequantize_args;
#define TF_DEQUANTIZE_INPUT 0
#define TF_DEQUANTIZE_OUTPUT 1
#define TF_DEQUANTIZE_SIZE 2
#define TF_DEQUANTIZE_SCALE 3
#define TF_DEQUANTIZE_ZERO_POINT 4
#define TF_DEQUANTIZE_WORDS 5

typedef struct {
  int32_t input;
  int32_t output;
  int32_t elem_bytes;
  int32_t in_shape[6];
  int32_t before[6];
  int32_t out_shape[6];
  int32_t pad_lo;
  int32_t pad_hi;
} tf_pad_args;
#define TF_PAD_INPUT 0
#define TF_PAD_OUTPUT 1
#define TF_PAD_ELEM_BYTES 2
#define TF_PAD_IN_SHAPE 3
#define TF_PAD_BEFORE 9
#define TF_PAD_OUT_SHAPE 15
#define TF_PAD_PAD_LO 21
#define TF_PAD_PAD_HI 22
#define TF_PAD_WORDS 23

typedef struct {
  int32_t input;
  int32_t output;
  int32_t elem_bytes;
  int32_t start;
  int32_t counts[6];
  int32_t steps[6];
} tf_strided_copy_args;
#define TF_STRIDED_COPY_INPUT 0
#define TF_STRIDED_COPY_OUTPUT 1
#define TF_STRIDED_COPY_ELEM_BYTES 2
#define TF_STRIDED_COPY_START 3
#define TF_STRIDED_COPY_COUNTS 4
#define TF_STRIDED_COPY_STEPS 10
#define TF_STRIDED_COPY_WORDS 16

typedef struct {
  int32_t output;
  int32_t elem_bytes;
  int32_t outer;
  int32_t out_row;
  int32_t count;
  int32_t inputs;
} tf_concatenation_args;
#define TF_CONCATENATION_OUTPUT 0
#define TF_CONCATENATION_ELEM_BYTES 1
#define TF_CONCATENATION_OUTER 2
#define TF_CONCATENATION_OUT_ROW 3
#define TF_CONCATENATION_COUNT 4
#define TF_CONCATENATION_INPUTS 5
#define TF_CONCATENATION_WORDS 6

typedef struct {
  int32_t input;
  int32_t elem_bytes;
  int32_t outer;
  int32_t in_row;
  int32_t count;
  int32_t outputs;
} tf_split_args;
#define TF_SPLIT_INPUT 0
#define TF_SPLIT_ELEM_BYTES 1
#define TF_SPLIT_OUTER 2
#define TF_SPLIT_IN_ROW 3
#define TF_SPLIT_COUNT 4
#define TF_SPLIT_OUTPUTS 5
#define TF_SPLIT_WORDS 6

typedef struct {
  int32_t input;
  int32_t output;
  int32_t positions;
  int32_t elem_bytes;
  int32_t batches;
  int32_t outer;
  int32_t axis_size;
  int32_t inner;
  int32_t coords;
} tf_gather_args;
#define TF_GATHER_INPUT 0
#define TF_GATHER_OUTPUT 1
#define TF_GATHER_POSITIONS 2
#define TF_GATHER_ELEM_BYTES 3
#define TF_GATHER_BATCHES 4
#define TF_GATHER_OUTER 5
#define TF_GATHER_AXIS_SIZE 6
#define TF_GATHER_INNER 7
#define TF_GATHER_COORDS 8
#define TF_GATHER_WORDS 9

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t from_type;
  int32_t to_type;
} tf_cast_args;
#define TF_CAST_INPUT 0
#define TF_CAST_OUTPUT 1
#define TF_CAST_SIZE 2
#define TF_CAST_FROM_TYPE 3
#define TF_CAST_TO_TYPE 4
#define TF_CAST_WORDS 5

typedef struct {
  int32_t input;
  int32_t output;
  int32_t elem_bytes;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t depth;
  int32_t out_h;
  int32_t out_w;
  int32_t src_y;
  int32_t src_x;
} tf_resize_nearest_args;
#define TF_RESIZE_NEAREST_INPUT 0
#define TF_RESIZE_NEAREST_OUTPUT 1
#define TF_RESIZE_NEAREST_ELEM_BYTES 2
#define TF_RESIZE_NEAREST_BATCHES 3
#define TF_RESIZE_NEAREST_IN_H 4
#define TF_RESIZE_NEAREST_IN_W 5
#define TF_RESIZE_NEAREST_DEPTH 6
#define TF_RESIZE_NEAREST_OUT_H 7
#define TF_RESIZE_NEAREST_OUT_W 8
#define TF_RESIZE_NEAREST_SRC_Y 9
#define TF_RESIZE_NEAREST_SRC_X 10
#define TF_RESIZE_NEAREST_WORDS 11

typedef struct {
  int32_t input;
  int32_t output;
  int32_t bytes;
} tf_copy_args;
#define TF_COPY_INPUT 0
#define TF_COPY_OUTPUT 1
#define TF_COPY_BYTES 2
#define TF_COPY_WORDS 3

typedef struct {
  int32_t input;
  int32_t output;
  int32_t filter;
  int32_t bias;
  int32_t multiplier;
  int32_t shift;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t in_depth;
  int32_t out_h;
  int32_t out_w;
  int32_t out_depth;
  int32_t filter_h;
  int32_t filter_w;
  int32_t stride_h;
  int32_t stride_w;
  int32_t pad_top;
  int32_t pad_left;
  int32_t input_offset;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
} tf_transpose_conv_args;
#define TF_TRANSPOSE_CONV_INPUT 0
#define TF_TRANSPOSE_CONV_OUTPUT 1
#define TF_TRANSPOSE_CONV_FILTER 2
#define TF_TRANSPOSE_CONV_BIAS 3
#define TF_TRANSPOSE_CONV_MULTIPLIER 4
#define TF_TRANSPOSE_CONV_SHIFT 5
#define TF_TRANSPOSE_CONV_BATCHES 6
#define TF_TRANSPOSE_CONV_IN_H 7
#define TF_TRANSPOSE_CONV_IN_W 8
#define TF_TRANSPOSE_CONV_IN_DEPTH 9
#define TF_TRANSPOSE_CONV_OUT_H 10
#define TF_TRANSPOSE_CONV_OUT_W 11
#define TF_TRANSPOSE_CONV_OUT_DEPTH 12
#define TF_TRANSPOSE_CONV_FILTER_H 13
#define TF_TRANSPOSE_CONV_FILTER_W 14
#define TF_TRANSPOSE_CONV_STRIDE_H 15
#define TF_TRANSPOSE_CONV_STRIDE_W 16
#define TF_TRANSPOSE_CONV_PAD_TOP 17
#define TF_TRANSPOSE_CONV_PAD_LEFT 18
#define TF_TRANSPOSE_CONV_INPUT_OFFSET 19
#define TF_TRANSPOSE_CONV_OUTPUT_OFFSET 20
#define TF_TRANSPOSE_CONV_ACT_MIN 21
#define TF_TRANSPOSE_CONV_ACT_MAX 22
#define TF_TRANSPOSE_CONV_WORDS 23

typedef struct {
  int32_t input;
  int32_t ancillary;
  int32_t output;
  int32_t count;
  int32_t bit_width;
  int32_t stride;
  int32_t channels;
  int32_t channel_axis_last;
} tf_decode_lut_args;
#define TF_DECODE_LUT_INPUT 0
#define TF_DECODE_LUT_ANCILLARY 1
#define TF_DECODE_LUT_OUTPUT 2
#define TF_DECODE_LUT_COUNT 3
#define TF_DECODE_LUT_BIT_WIDTH 4
#define TF_DECODE_LUT_STRIDE 5
#define TF_DECODE_LUT_CHANNELS 6
#define TF_DECODE_LUT_CHANNEL_AXIS_LAST 7
#define TF_DECODE_LUT_WORDS 8

typedef struct {
  int32_t input;
  int32_t output;
  int32_t feature;
  int32_t time;
  int32_t bias;
  int32_t state;
  int32_t batches;
  int32_t input_size;
  int32_t filters;
  int32_t memory;
  int32_t rank;
  int32_t input_offset;
  int32_t state_zero_point;
  int32_t output_offset;
  int32_t multiplier1;
  int32_t shift1;
  int32_t multiplier2;
  int32_t shift2;
} tf_svdf_args;
#define TF_SVDF_INPUT 0
#define TF_SVDF_OUTPUT 1
#define TF_SVDF_FEATURE 2
#define TF_SVDF_TIME 3
#define TF_SVDF_BIAS 4
#define TF_SVDF_STATE 5
#define TF_SVDF_BATCHES 6
#define TF_SVDF_INPUT_SIZE 7
#define TF_SVDF_FILTERS 8
#define TF_SVDF_MEMORY 9
#define TF_SVDF_RANK 10
#define TF_SVDF_INPUT_OFFSET 11
#define TF_SVDF_STATE_ZERO_POINT 12
#define TF_SVDF_OUTPUT_OFFSET 13
#define TF_SVDF_MULTIPLIER1 14
#define TF_SVDF_SHIFT1 15
#define TF_SVDF_MULTIPLIER2 16
#define TF_SVDF_SHIFT2 17
#define TF_SVDF_WORDS 18

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t input_offset;
  int32_t output_offset;
  int32_t multiplier;
  int32_t shift;
  int32_t rescale;
} tf_abs_rsqrt_args;
#define TF_ABS_RSQRT_INPUT 0
#define TF_ABS_RSQRT_OUTPUT 1
#define TF_ABS_RSQRT_SIZE 2
#define TF_ABS_RSQRT_INPUT_OFFSET 3
#define TF_ABS_RSQRT_OUTPUT_OFFSET 4
#define TF_ABS_RSQRT_MULTIPLIER 5
#define TF_ABS_RSQRT_SHIFT 6
#define TF_ABS_RSQRT_RESCALE 7
#define TF_ABS_RSQRT_WORDS 8

typedef struct {
  int32_t full;
  int32_t tile;
  int32_t elem_bytes;
  int32_t batches;
  int32_t full_h;
  int32_t full_w;
  int32_t tile_h;
  int32_t tile_w;
  int32_t channels;
  int32_t y0;
  int32_t x0;
  int32_t direction;
} tf_copy_window_args;
#define TF_COPY_WINDOW_FULL 0
#define TF_COPY_WINDOW_TILE 1
#define TF_COPY_WINDOW_ELEM_BYTES 2
#define TF_COPY_WINDOW_BATCHES 3
#define TF_COPY_WINDOW_FULL_H 4
#define TF_COPY_WINDOW_FULL_W 5
#define TF_COPY_WINDOW_TILE_H 6
#define TF_COPY_WINDOW_TILE_W 7
#define TF_COPY_WINDOW_CHANNELS 8
#define TF_COPY_WINDOW_Y0 9
#define TF_COPY_WINDOW_X0 10
#define TF_COPY_WINDOW_DIRECTION 11
#define TF_COPY_WINDOW_WORDS 12

typedef struct {
  int32_t input;
  int32_t output;
  int32_t hidden;
  int32_t cell;
  int32_t input_weights[4];
  int32_t recurrent_weights[4];
  int32_t bias[4];
  int32_t input_multiplier[4];
  int32_t input_shift[4];
  int32_t recurrent_multiplier[4];
  int32_t recurrent_shift[4];
  int32_t input_weight_offset[4];
  int32_t recurrent_weight_offset[4];
  int32_t batches;
  int32_t steps;
  int32_t input_size;
  int32_t units;
  int32_t time_major;
  int32_t input_offset;
  int32_t hidden_offset;
  int32_t hidden_zero_point;
  int32_t forget_cell_multiplier;
  int32_t forget_cell_shift;
  int32_t input_cell_multiplier;
  int32_t input_cell_shift;
  int32_t hidden_multiplier;
  int32_t hidden_shift;
  int32_t tanh_multiplier;
  int32_t tanh_shift;
  int32_t cell_clip;
  int32_t workspace;
  int32_t workspace_bytes;
} tf_lstm_args;
#define TF_LSTM_INPUT 0
#define TF_LSTM_OUTPUT 1
#define TF_LSTM_HIDDEN 2
#define TF_LSTM_CELL 3
#define TF_LSTM_INPUT_WEIGHTS 4
#define TF_LSTM_RECURRENT_WEIGHTS 8
#define TF_LSTM_BIAS 12
#define TF_LSTM_INPUT_MULTIPLIER 16
#define TF_LSTM_INPUT_SHIFT 20
#define TF_LSTM_RECURRENT_MULTIPLIER 24
#define TF_LSTM_RECURRENT_SHIFT 28
#define TF_LSTM_INPUT_WEIGHT_OFFSET 32
#define TF_LSTM_RECURRENT_WEIGHT_OFFSET 36
#define TF_LSTM_BATCHES 40
#define TF_LSTM_STEPS 41
#define TF_LSTM_INPUT_SIZE 42
#define TF_LSTM_UNITS 43
#define TF_LSTM_TIME_MAJOR 44
#define TF_LSTM_INPUT_OFFSET 45
#define TF_LSTM_HIDDEN_OFFSET 46
#define TF_LSTM_HIDDEN_ZERO_POINT 47
#define TF_LSTM_FORGET_CELL_MULTIPLIER 48
#define TF_LSTM_FORGET_CELL_SHIFT 49
#define TF_LSTM_INPUT_CELL_MULTIPLIER 50
#define TF_LSTM_INPUT_CELL_SHIFT 51
#define TF_LSTM_HIDDEN_MULTIPLIER 52
#define TF_LSTM_HIDDEN_SHIFT 53
#define TF_LSTM_TANH_MULTIPLIER 54
#define TF_LSTM_TANH_SHIFT 55
#define TF_LSTM_CELL_CLIP 56
#define TF_LSTM_WORKSPACE 57
#define TF_LSTM_WORKSPACE_BYTES 58
#define TF_LSTM_WORDS 59

typedef struct {
  int32_t input;
  int32_t output;
  int32_t size;
  int32_t table;
} tf_lut_s8_args;
#define TF_LUT_S8_INPUT 0
#define TF_LUT_S8_OUTPUT 1
#define TF_LUT_S8_SIZE 2
#define TF_LUT_S8_TABLE 3
#define TF_LUT_S8_WORDS 4

typedef struct {
  int32_t input;
  int32_t output;
  int32_t rows;
  int32_t depth;
  int32_t input_multiplier;
  int32_t input_left_shift;
  int32_t reverse_scaling_divisor;
  int32_t reverse_scaling_right_shift;
  int32_t diff_min;
} tf_log_softmax_args;
#define TF_LOG_SOFTMAX_INPUT 0
#define TF_LOG_SOFTMAX_OUTPUT 1
#define TF_LOG_SOFTMAX_ROWS 2
#define TF_LOG_SOFTMAX_DEPTH 3
#define TF_LOG_SOFTMAX_INPUT_MULTIPLIER 4
#define TF_LOG_SOFTMAX_INPUT_LEFT_SHIFT 5
#define TF_LOG_SOFTMAX_REVERSE_SCALING_DIVISOR 6
#define TF_LOG_SOFTMAX_REVERSE_SCALING_RIGHT_SHIFT 7
#define TF_LOG_SOFTMAX_DIFF_MIN 8
#define TF_LOG_SOFTMAX_WORDS 9

typedef struct {
  int32_t lhs;
  int32_t rhs;
  int32_t output;
  int32_t batch[3];
  int32_t lhs_steps[3];
  int32_t rhs_steps[3];
  int32_t m;
  int32_t n;
  int32_t k;
  int32_t lhs_m_step;
  int32_t lhs_k_step;
  int32_t rhs_k_step;
  int32_t rhs_n_step;
  int32_t lhs_offset;
  int32_t rhs_offset;
  int32_t output_offset;
  int32_t multiplier;
  int32_t shift;
} tf_batch_matmul_args;
#define TF_BATCH_MATMUL_LHS 0
#define TF_BATCH_MATMUL_RHS 1
#define TF_BATCH_MATMUL_OUTPUT 2
#define TF_BATCH_MATMUL_BATCH 3
#define TF_BATCH_MATMUL_LHS_STEPS 6
#define TF_BATCH_MATMUL_RHS_STEPS 9
#define TF_BATCH_MATMUL_M 12
#define TF_BATCH_MATMUL_N 13
#define TF_BATCH_MATMUL_K 14
#define TF_BATCH_MATMUL_LHS_M_STEP 15
#define TF_BATCH_MATMUL_LHS_K_STEP 16
#define TF_BATCH_MATMUL_RHS_K_STEP 17
#define TF_BATCH_MATMUL_RHS_N_STEP 18
#define TF_BATCH_MATMUL_LHS_OFFSET 19
#define TF_BATCH_MATMUL_RHS_OFFSET 20
#define TF_BATCH_MATMUL_OUTPUT_OFFSET 21
#define TF_BATCH_MATMUL_MULTIPLIER 22
#define TF_BATCH_MATMUL_SHIFT 23
#define TF_BATCH_MATMUL_WORDS 24

typedef struct {
  int32_t input;
  int32_t output;
  int32_t rows;
  int32_t depth;
  int32_t input_zero_point;
} tf_l2norm_args;
#define TF_L2NORM_INPUT 0
#define TF_L2NORM_OUTPUT 1
#define TF_L2NORM_ROWS 2
#define TF_L2NORM_DEPTH 3
#define TF_L2NORM_INPUT_ZERO_POINT 4
#define TF_L2NORM_WORDS 5

typedef struct {
  int32_t input;
  int32_t output;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t depth;
  int32_t out_h;
  int32_t out_w;
  int32_t rows;
  int32_t cols;
} tf_resize_bilinear_args;
#define TF_RESIZE_BILINEAR_INPUT 0
#define TF_RESIZE_BILINEAR_OUTPUT 1
#define TF_RESIZE_BILINEAR_BATCHES 2
#define TF_RESIZE_BILINEAR_IN_H 3
#define TF_RESIZE_BILINEAR_IN_W 4
#define TF_RESIZE_BILINEAR_DEPTH 5
#define TF_RESIZE_BILINEAR_OUT_H 6
#define TF_RESIZE_BILINEAR_OUT_W 7
#define TF_RESIZE_BILINEAR_ROWS 8
#define TF_RESIZE_BILINEAR_COLS 9
#define TF_RESIZE_BILINEAR_WORDS 10

void conv2d_s8(const int32_t *args); /* conv2d: int8 convolution, per-channel requantization, groups */
void conv2d_s8_1x1(const int32_t *args); /* conv2d: fast path: 1x1, stride 1, no pads, 1 group (a matrix product) */
void conv2d_s8_stream_row(const int32_t *args); /* conv2d: output rows in order, each computed into scratch then written */
void conv2d_s8_stream_pixel(const int32_t *args); /* conv2d: output pixels in order, each computed into scratch then written */
void conv2d_s8_pw(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): pointwise (1x1, stride 1, no pads), 4-pixel blocks; any order */
void conv2d_s8_pw_stream_pixel(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): pointwise (1x1, stride 1, no pads), 4-pixel blocks; output pixels in order */
void conv2d_s8_pw_rec(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): pointwise over 8 or 16 channels from the lowering's channel records (record field channel_records), pixel by pixel; any order */
void conv2d_s8_pw_rec_stream_pixel(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): pointwise over 8 or 16 channels from the lowering's channel records (record field channel_records), pixel by pixel; output pixels in order */
void conv2d_s8_3x3c3(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): column path, 3x3 over 3 channels; any order */
void conv2d_s8_3x3c3_stream_row(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): column path, 3x3 over 3 channels; output rows in order via scratch */
void conv2d_s8_3x3c3_rec(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): 3x3 over 3 channels from the lowering's channel-pair records (record field channel_records), 2 pixels x 2 channels; any order */
void conv2d_s8_3x3c3_rec_stream_row(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): 3x3 over 3 channels from the lowering's channel-pair records (record field channel_records), 2 pixels x 2 channels; output rows in order via scratch */
void conv2d_s8_kxk4(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): column path, depth a multiple of 4; any order */
void conv2d_s8_kxk4_stream_row(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): column path, depth a multiple of 4; output rows in order via scratch */
void conv2d_s8_kxk(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): column path, any window; any order */
void conv2d_s8_kxk_stream_row(const int32_t *args); /* conv2d: int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere): column path, any window; output rows in order via scratch */
void conv2d_lut_s8(const int32_t *args); /* conv2d_lut: int8 convolution over LUT-compressed weights: the whole filter, else four channels at a time, decoded into workspace; on the fly without it */
void conv2d_lut_s8_stream_row(const int32_t *args); /* conv2d_lut: int8 convolution over LUT-compressed weights: the whole filter, else four channels at a time, decoded into workspace; on the fly without it; output rows in order via scratch */
void conv2d_lut_s8_stream_pixel(const int32_t *args); /* conv2d_lut: int8 convolution over LUT-compressed weights: the whole filter, else four channels at a time, decoded into workspace; on the fly without it; output pixels in order via scratch */
void dwconv2d_s8(const int32_t *args); /* dwconv2d: int8 depthwise convolution */
void dwconv2d_lut_s8(const int32_t *args); /* dwconv2d_lut: int8 depthwise convolution over LUT-compressed weights (a table per channel): the whole filter decoded into workspace, then depthwise.c; on the fly without it */
void dwconv2d_lut_s8_stream_row(const int32_t *args); /* dwconv2d_lut: int8 depthwise convolution over LUT-compressed weights (a table per channel): the whole filter decoded into workspace, then depthwise.c; on the fly without it; output rows in order via scratch */
void dwconv2d_lut_s8_inplace_channel(const int32_t *args); /* dwconv2d_lut: int8 depthwise convolution over LUT-compressed weights (a table per channel): the whole filter decoded into workspace, then depthwise.c; on the fly without it; per (batch, channel) plane via scratch */
void dwconv2d_s8_3x3(const int32_t *args); /* dwconv2d: fast path: 3x3, dilation 1, multiplier 1 */
void dwconv2d_s8_stream_row(const int32_t *args); /* dwconv2d: output rows in order via scratch */
void dwconv2d_s8_stream_row_ring(const int32_t *args); /* dwconv2d: stream-row, 3x3 over rows of 8 or more (src/ir/workspace.ts cDepthwiseStreamRing): each four-channel group's input rows through its own ring, output rows in order via scratch */
void dwconv2d_s8_kxk_inplace_channel(const int32_t *args); /* dwconv2d: fast path of inplace-channel: 5x5 and 7x7, dilation 1, multiplier 1, stride_w 1 or 2 (linked only where chosen) */
void dwconv2d_s8_inplace_channel(const int32_t *args); /* dwconv2d: per (batch, channel): the plane into scratch, then into the channel */
void dwconv2d_s8_inplace_channel_ring(const int32_t *args); /* dwconv2d: inplace-channel, 3x3 over runs of 8 or more (src/ir/workspace.ts cDepthwiseRing): four channels' input runs through a ring, each output run written as it is done */
void fully_connected_s8(const int32_t *args); /* fully_connected: int8 fully connected */
void fully_connected_lut_s8(const int32_t *args); /* fully_connected_lut: int8 fully connected over LUT-compressed weights: four units decoded at a time into workspace */
void fully_connected_s8_stream_row(const int32_t *args); /* fully_connected: batch rows in order via scratch */
void avgpool2d_s8(const int32_t *args); /* pool2d: average pool (padding not counted) */
void avgpool2d_s8_stream_row(const int32_t *args); /* pool2d: output rows in order via scratch */
void maxpool2d_s8(const int32_t *args); /* pool2d: max pool */
void maxpool2d_s8_stream_row(const int32_t *args); /* pool2d: output rows in order via scratch */
void avgpool2d_s16(const int32_t *args); /* pool2d: int16 average pool (padding not counted) */
void maxpool2d_s16(const int32_t *args); /* pool2d: int16 max pool */
void conv2d_s16(const int32_t *args); /* conv2d: 16x8 convolution: int16 activations, int8 filter, int64 bias and accumulator */
void dwconv2d_s16(const int32_t *args); /* dwconv2d: 16x8 depthwise convolution: int16 activations, int8 filter, int64 bias and accumulator */
void fully_connected_s16(const int32_t *args); /* fully_connected: 16x8 fully connected: int16 activations, int8 weights, int64 bias and accumulator */
void transpose_conv_s8(const int32_t *args); /* transpose_conv: int8 transpose convolution, a gather per output element */
void svdf_s8(const int32_t *args); /* svdf: int8 SVDF, int8 time weights and state (updated in place) */
void svdf_s16(const int32_t *args); /* svdf: int8 SVDF, int16 time weights and state (updated in place) */
void transpose_conv_s16(const int32_t *args); /* transpose_conv: 16x8 transpose convolution, int64 bias and accumulator */
void add_s8(const int32_t *args); /* add: int8 add with broadcasting; forward stream (also the stream-element order) */
void add_s16(const int32_t *args); /* add: int16 add (left shift 15) with broadcasting; forward stream (also the stream-element order) */
void sub_s16(const int32_t *args); /* add: int16 subtract (left shift 15) with broadcasting; forward stream (also the stream-element order) */
void sub_s8(const int32_t *args); /* add: int8 subtract with broadcasting; forward stream (also the stream-element order) */
void mul_s8(const int32_t *args); /* mul: int8 multiply with broadcasting; forward stream (also the stream-element order) */
void mul_s16(const int32_t *args); /* mul: int16 multiply with broadcasting (zero points 0); forward stream (also the stream-element order) */
void maximum_s8(const int32_t *args); /* max_min: int8 maximum with broadcasting; forward stream (also the stream-element order) */
void minimum_s8(const int32_t *args); /* max_min: int8 minimum with broadcasting; forward stream (also the stream-element order) */
void relu_s8(const int32_t *args); /* relu: forward stream (also the stream-element order) */
void relu_s16(const int32_t *args); /* relu: forward stream (also the stream-element order) */
void relu6_s8(const int32_t *args); /* clamp: forward stream (also the stream-element order) */
void relu6_s16(const int32_t *args); /* clamp: forward stream (also the stream-element order) */
void leaky_relu_s8(const int32_t *args); /* leaky_relu: forward stream (also the stream-element order) */
void leaky_relu_s16(const int32_t *args); /* leaky_relu: forward stream (also the stream-element order) */
void hard_swish_s8(const int32_t *args); /* hard_swish: forward stream (also the stream-element order) */
void logistic_s8(const int32_t *args); /* sigmoid: forward stream (also the stream-element order) */
void tanh_s8(const int32_t *args); /* sigmoid: forward stream (also the stream-element order) */
void logistic_s16(const int32_t *args); /* sigmoid: int16, TFLite's interpolated sigmoid table; forward stream (also the stream-element order) */
void tanh_s16(const int32_t *args); /* sigmoid: int16, TFLite's interpolated sigmoid table; forward stream (also the stream-element order) */
void softmax_s8(const int32_t *args); /* softmax: int8 -> int8; per row: max, sum, write pass */
void softmax_s8_s16(const int32_t *args); /* softmax: int8 -> int16; per row: max, sum, write pass */
void softmax_s16(const int32_t *args); /* softmax: int16 -> int16, TFLM's exp and 1/(1+x) tables; per row: max, sum, write pass */
void mean_s8(const int32_t *args); /* mean: int8 mean or sum over up to 2 axes */
void mean_s16(const int32_t *args); /* mean: int16 mean or sum over up to 2 axes */
void quantize_f32_s8(const int32_t *args); /* quantize: forward stream (also the stream-element order) */
void quantize_f32_s16(const int32_t *args); /* quantize: forward stream (also the stream-element order) */
void requantize_s16_s8(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_s8_s8(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_s8_u8(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_u8_s8(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_s8_s16(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_s8_s32(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_s16_s16(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_s16_s32(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_s32_s8(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void requantize_s32_s16(const int32_t *args); /* requantize: forward stream (also the stream-element order) */
void dequantize_s8_f32(const int32_t *args); /* dequantize: forward stream (also the stream-element order) */
void dequantize_u8_f32(const int32_t *args); /* dequantize: forward stream (also the stream-element order) */
void dequantize_s16_f32(const int32_t *args); /* dequantize: forward stream (also the stream-element order) */
void pad(const int32_t *args); /* pad: any dtype; forward stream (also the stream-element order) */
void strided_copy(const int32_t *args); /* strided_copy: any dtype; forward stream (also the stream-element order) */
void concatenation(const int32_t *args); /* concatenation: any dtype; byte copies */
void cast(const int32_t *args); /* cast: int8/int16/int32/float32 to any of them; forward stream (also the stream-element order) */
void gather(const int32_t *args); /* gather: any dtype; int32 positions; byte copies */
void split(const int32_t *args); /* split: any dtype; byte copies into several outputs */
void resize_nearest(const int32_t *args); /* resize_nearest: any dtype */
void squared_difference_s8(const int32_t *args); /* add: int8 (a - b)^2 with broadcasting; forward stream (also the stream-element order) */
void squared_difference_s16(const int32_t *args); /* add: int16 (a - b)^2 with broadcasting; forward stream (also the stream-element order) */
void squared_difference_s32(const int32_t *args); /* add: unquantized int32 (a - b)^2, wrapping, with broadcasting; forward stream (also the stream-element order) */
void prelu_s8(const int32_t *args); /* add: int8 alpha broadcast; forward stream (also the stream-element order) */
void prelu_s16(const int32_t *args); /* add: int16 input, int8 alpha broadcast; forward stream (also the stream-element order) */
void abs_s8(const int32_t *args); /* abs_rsqrt: forward stream (also the stream-element order) */
void abs_s16(const int32_t *args); /* abs_rsqrt: forward stream (also the stream-element order) */
void abs_s16_unquantized(const int32_t *args); /* abs_rsqrt: int16 without quantization: std::abs, -32768 wraps to itself; forward stream (also the stream-element order) */
void rsqrt_s8(const int32_t *args); /* abs_rsqrt: Newton-Raphson 1 / sqrt per element; forward stream (also the stream-element order) */
void copy(const int32_t *args); /* copy: memmove */
void decode_lut_s8(const int32_t *args); /* decode_lut: packed LUT indices -> int8 values of their channel table */
void copy_window(const int32_t *args); /* copy_window: patch tiles: a spatial window to or from a compact tile */
void lstm_s8(const int32_t *args); /* lstm: int8 activations, int8 weights, int16 cell; per batch row and time step: 4 gates into workspace, then the states */
void lstm_s16(const int32_t *args); /* lstm: 16x8: int16 activations, int8 weights, int64 bias and accumulator; as lstm_s8 */
void lut_s8(const int32_t *args); /* lut_s8: int8 256-entry table from Prepare; forward stream (also the stream-element order) */
void div_s8(const int32_t *args); /* mul: int8, 1 / divisor by GetReciprocal, broadcasting; forward stream (also the stream-element order) */
void div_s32(const int32_t *args); /* mul: unquantized int32 a / b truncating (x / 0 = 0, INT32_MIN / -1 = INT32_MIN as Cortex-M's SDIV), broadcasting; forward stream (also the stream-element order) */
void log_softmax_s8(const int32_t *args); /* log_softmax: int8; per row: max, sum of exps, log, write pass */
void batch_matmul_s8(const int32_t *args); /* batch_matmul: int8 batched matrix product, int32 accumulator, batch dims broadcast */
void batch_matmul_s16(const int32_t *args); /* batch_matmul: int16 batched matrix product, int64 accumulator, batch dims broadcast */
void reduce_max_s8(const int32_t *args); /* mean: int8 max over any axes (the mean record, no requantization) */
void l2norm_s8(const int32_t *args); /* l2norm: int8 rows scaled by their inverse L2 norm (outputs in 1/128 steps) */
void maximum_s16(const int32_t *args); /* max_min: int16 maximum with broadcasting; forward stream (also the stream-element order) */
void minimum_s16(const int32_t *args); /* max_min: int16 minimum with broadcasting; forward stream (also the stream-element order) */
void resize_bilinear_s8(const int32_t *args); /* resize_bilinear: int8, TFLM's integer interpolation (10-bit positions) */

#endif /* TF_KERNEL_ABI_H */
