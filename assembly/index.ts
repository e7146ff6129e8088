// The wasm kernel library's entry: every kernel the per-model modules link against (the kernel ABI is
// src/schedule/abi/ and codegen/wasm/abi/; codegen/wasm links only the symbols a model's schedule uses).
export { multiplyByQuantizedMultiplier } from './quant';
export { ARENA_BASE, CONST_BASE } from './base';
export {
  conv2d_s8, conv2d_s8_1x1, conv2d_s8_stream_row, conv2d_s8_stream_pixel, widen_s8_s16,
  conv2d_s8_pw, conv2d_s8_pw_stream_pixel, conv2d_s8_pw_rec, conv2d_s8_pw_rec_stream_pixel, conv2d_s8_3x3c3, conv2d_s8_3x3c3_stream_row, conv2d_s8_3x3c3_rec, conv2d_s8_3x3c3_rec_stream_row,
  conv2d_s8_kxk4, conv2d_s8_kxk4_stream_row, conv2d_s8_kxk, conv2d_s8_kxk_stream_row,
} from './conv';
export { winograd_weights_s8 } from './winograd';
export { conv2d_s16, fully_connected_s16, dwconv2d_s16 } from './conv16';
export { conv2d_lut_s8, conv2d_lut_s8_stream_row, conv2d_lut_s8_stream_pixel } from './conv-lut';
export { dwconv2d_lut_s8, dwconv2d_lut_s8_stream_row, dwconv2d_lut_s8_inplace_channel } from './dw-lut';
export { transpose_conv_s8, transpose_conv_s16 } from './transpose-conv';
export { dwconv2d_s8, dwconv2d_s8_3x3, dwconv2d_s8_stream_row, dwconv2d_s8_stream_row_ring, dwconv2d_s8_inplace_channel, dwconv2d_s8_inplace_channel_ring, dwconv2d_s8_kxk_inplace_channel } from './depthwise';
export { fully_connected_s8, fully_connected_s8_stream_row, fully_connected_lut_s8 } from './fully-connected';
export { avgpool2d_s8, avgpool2d_s8_stream_row, maxpool2d_s8, maxpool2d_s8_stream_row, avgpool2d_s16, maxpool2d_s16 } from './pool';
export {
  add_s8, sub_s8, add_s16, sub_s16, squared_difference_s8, squared_difference_s16, prelu_s8, prelu_s16, mul_s8, mul_s16, maximum_s8, minimum_s8, add_lut_s8, sub_lut_s8, relu_s8, relu_s16, relu6_s8, relu6_s16, leaky_relu_s8, leaky_relu_s16, hard_swish_s8, logistic_s16, tanh_s16, squared_difference_s32,
  logistic_s8, tanh_s8, quantize_f32_s8, quantize_f32_s16,
  requantize_s16_s8, requantize_s8_s8, requantize_s8_u8, requantize_u8_s8, requantize_s8_s16, requantize_s8_s32,
  requantize_s16_s16, requantize_s16_s32, requantize_s32_s8, requantize_s32_s16,
  dequantize_s8_f32, dequantize_u8_f32, dequantize_s16_f32,
} from './elementwise';
export { softmax_s8, softmax_s8_s16, softmax_s16, mean_s8, mean_s16, reduce_max_s8 } from './softmax-mean';
export { pad, strided_copy, concatenation, split, gather, resize_nearest, copy, copy_window } from './layout';
export { decode_lut_s8 } from './decode';
export { svdf_s8, svdf_s16 } from './svdf';
export { abs_s8, abs_s16, abs_s16_unquantized, rsqrt_s8 } from './unary-math';
export { cast } from './cast';
export { lstm_s8, lstm_s16 } from './lstm';
export { lut_s8 } from './lookup-table';
export { div_s8, div_s32 } from './div';
export { log_softmax_s8 } from './log-softmax';
export { batch_matmul_s8, batch_matmul_s16 } from './batch-matmul';
export { l2norm_s8 } from './l2norm';
export { maximum_s16, minimum_s16 } from './max-min16';
export { resize_bilinear_s8 } from './resize-bilinear';
