/* Layout ops: PAD/PADV2 (front to back), TRANSPOSE and STRIDED_SLICE (one strided walk), CONCATENATION,
 * RESIZE_NEAREST_NEIGHBOR, RESHAPE copies and the patch window copy (reference: src/reference/ops/pad.ts
 * padForward, transpose.ts, strided-slice.ts, concatenation.ts, resize.ts; src/reference/execute.ts).
 * Elements are moved as elem_bytes bytes. */
#include <string.h>
#include "tf_kernels.h"

static inline void fill(uint8_t *y, const uint8_t *value, size_t e, size_t count) {
  if (e == 1) {
    memset(y, value[0], count);
    return;
  }
  for (size_t i = 0; i < count; i++) memcpy(y + i * e, value, e);
}

/* PAD / PADV2: output elements front to back, each input element read right before it is written
 * (nothing is filled ahead, so the output may overlap the input as the plan allows). */
void pad(const int32_t *args) {
  const tf_pad_args *p = (const tf_pad_args *)args;
  const uint8_t *x = (const uint8_t *)tf_ref(p->input);
  uint8_t *y = (uint8_t *)tf_ref(p->output);
  const size_t e = (size_t)p->elem_bytes;
  uint8_t value[8];
  memcpy(value, &p->pad_lo, 4);
  memcpy(value + 4, &p->pad_hi, 4);
  const int r = TF_MAX_RANK;
  size_t out_count = 1;
  for (int d = 0; d < r; d++) out_count *= (size_t)p->out_shape[d];
  const int32_t row = p->out_shape[r - 1];
  const size_t rows = row == 0 ? 0 : out_count / (size_t)row;
  const int32_t before = p->before[r - 1], in_row = p->in_shape[r - 1];
  const int32_t after = row - before - in_row;
  int32_t index[TF_MAX_RANK] = {0};
  size_t src = 0, dst = 0;
  for (size_t k = 0; k < rows; k++) {
    int inside = 1;
    for (int d = 0; d < r - 1; d++) {
      const int32_t i = index[d] - p->before[d];
      if (i < 0 || i >= p->in_shape[d]) inside = 0;
    }
    if (inside) {
      fill(y + dst * e, value, e, (size_t)before);
      dst += (size_t)before;
      if (e == 1) {
        for (int32_t i = 0; i < in_row; i++) y[dst++] = x[src++];
      } else {
        for (int32_t i = 0; i < in_row; i++, src++, dst++)
          for (size_t b = 0; b < e; b++) y[dst * e + b] = x[src * e + b];
      }
      fill(y + dst * e, value, e, (size_t)after);
      dst += (size_t)after;
    } else {
      fill(y + dst * e, value, e, (size_t)row);
      dst += (size_t)row;
    }
    for (int d = r - 2; d >= 0; d--) {
      index[d]++;
      if (index[d] < p->out_shape[d]) break;
      index[d] = 0;
    }
  }
}

/* The index over dims [0, dims) one step on (odometer), src kept at start + sum(index * steps). */
static inline void strided_next(const tf_strided_copy_args *p, int dims, int32_t *index, int32_t *src) {
  for (int d = dims - 1; d >= 0; d--) {
    index[d]++;
    *src += p->steps[d];
    if (index[d] < p->counts[d]) return;
    *src -= p->steps[d] * index[d];
    index[d] = 0;
  }
}

/* TRANSPOSE / STRIDED_SLICE: output elements in order, each from input element start + sum(index * steps). */
void strided_copy(const int32_t *args) {
  const tf_strided_copy_args *p = (const tf_strided_copy_args *)args;
  const uint8_t *x = (const uint8_t *)tf_ref(p->input);
  uint8_t *y = (uint8_t *)tf_ref(p->output);
  const size_t e = (size_t)p->elem_bytes;
  int32_t total = 1;
  for (int d = 0; d < TF_MAX_RANK; d++) total *= p->counts[d];
  int32_t index[TF_MAX_RANK] = {0};
  int32_t src = p->start;
  if (e == 1 && total > 0) {
    /* Bytes: the innermost dims merged into one run of n elements s apart (dims of size 1 skipped, a dim whose step
     * is the run's span joins it: a transpose's moved plane), copied in a tight loop; the dims [0, d) walked per run.
     * The same order of reads and writes as the element walk below. */
    int d = TF_MAX_RANK;
    int32_t n = 1, s = 0;
    for (; d > 0; d--) {
      const int32_t c = p->counts[d - 1], st = p->steps[d - 1];
      if (c == 1) continue;
      if (n == 1) n = c, s = st;
      else if (st == s * n) n *= c; /* |s n| is within the tensor: no overflow */
      else break;
    }
    for (int32_t i = 0; i < total; i += n) {
      for (int32_t k = 0, off = src; k < n; k++, off += s) *y++ = x[off];
      strided_next(p, d, index, &src);
    }
    return;
  }
  for (int32_t i = 0; i < total; i++) {
    if (e == 1) y[i] = x[src];
    else for (size_t b = 0; b < e; b++) y[(size_t)i * e + b] = x[(size_t)src * e + b];
    strided_next(p, TF_MAX_RANK, index, &src);
  }
}

/* CONCATENATION: per input in order, its block per outer index to its column of the output rows. */
void concatenation(const int32_t *args) {
  const tf_concatenation_args *p = (const tf_concatenation_args *)args;
  uint8_t *y = (uint8_t *)tf_ref(p->output);
  const int32_t *table = (const int32_t *)tf_ref(p->inputs);
  const size_t e = (size_t)p->elem_bytes;
  size_t column = 0;
  for (int32_t k = 0; k < p->count; k++) {
    const uint8_t *x = (const uint8_t *)tf_ref(table[2 * k]);
    const size_t block = (size_t)table[2 * k + 1];
    for (int32_t o = 0; o < p->outer; o++) memmove(y + ((size_t)o * p->out_row + column) * e, x + (size_t)o * block * e, block * e);
    column += block;
  }
}

/* SPLIT / SPLIT_V / UNPACK: concatenation's inverse, each output a column block of every outer row. */
void split(const int32_t *args) {
  const tf_split_args *p = (const tf_split_args *)args;
  const uint8_t *x = (const uint8_t *)tf_ref(p->input);
  const int32_t *table = (const int32_t *)tf_ref(p->outputs);
  const size_t e = (size_t)p->elem_bytes;
  size_t column = 0;
  for (int32_t k = 0; k < p->count; k++) {
    uint8_t *y = (uint8_t *)tf_ref(table[2 * k]);
    const size_t block = (size_t)table[2 * k + 1];
    for (int32_t o = 0; o < p->outer; o++) memmove(y + (size_t)o * block * e, x + ((size_t)o * p->in_row + column) * e, block * e);
    column += block;
  }
}

/* GATHER: per (batch, outer, coord) one block of `inner` elements; a position outside the axis writes
 * zeros (TFLM fails the invoke there; the kernel never reads outside the input). */
void gather(const int32_t *args) {
  const tf_gather_args *p = (const tf_gather_args *)args;
  const uint8_t *x = (const uint8_t *)tf_ref(p->input);
  const int32_t *positions = (const int32_t *)tf_ref(p->positions);
  uint8_t *y = (uint8_t *)tf_ref(p->output);
  const size_t block = (size_t)p->inner * (size_t)p->elem_bytes;
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t o = 0; o < p->outer; o++)
      for (int32_t c = 0; c < p->coords; c++) {
        const int32_t at = positions[b * p->coords + c];
        uint8_t *dst = y + (((size_t)b * p->outer + o) * p->coords + c) * block;
        if (at < 0 || at >= p->axis_size) memset(dst, 0, block);
        else memmove(dst, x + (((size_t)b * p->outer + o) * p->axis_size + at) * block, block);
      }
}

void resize_nearest(const int32_t *args) {
  const tf_resize_nearest_args *p = (const tf_resize_nearest_args *)args;
  const uint8_t *x = (const uint8_t *)tf_ref(p->input);
  uint8_t *y = (uint8_t *)tf_ref(p->output);
  const int32_t *src_y = (const int32_t *)tf_ref(p->src_y), *src_x = (const int32_t *)tf_ref(p->src_x);
  const size_t pix = (size_t)p->depth * p->elem_bytes;
  size_t dst = 0;
  for (int32_t n = 0; n < p->batches; n++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        memcpy(y + dst, x + (((size_t)n * p->in_h + src_y[oy]) * p->in_w + src_x[ox]) * pix, pix);
        dst += pix;
      }
}

/* RESHAPE / SQUEEZE the plan did not alias. */
void copy(const int32_t *args) {
  const tf_copy_args *p = (const tf_copy_args *)args;
  void *x = tf_ref(p->input), *y = tf_ref(p->output);
  if (x != y) memmove(y, x, (size_t)p->bytes);
}

/* Patch inference: rows y0.., columns x0.. of a full NHWC tensor to (direction 0) or from a compact tile. */
void copy_window(const int32_t *args) {
  const tf_copy_window_args *p = (const tf_copy_window_args *)args;
  uint8_t *full = (uint8_t *)tf_ref(p->full), *tile = (uint8_t *)tf_ref(p->tile);
  const size_t e = (size_t)p->elem_bytes;
  const size_t row = (size_t)p->tile_w * p->channels * e;
  for (int32_t n = 0; n < p->batches; n++)
    for (int32_t yy = 0; yy < p->tile_h; yy++) {
      uint8_t *f = full + (((size_t)n * p->full_h + p->y0 + yy) * p->full_w + p->x0) * p->channels * e;
      uint8_t *t = tile + ((size_t)n * p->tile_h + yy) * row;
      if (p->direction == 0) memmove(t, f, row);
      else memmove(f, t, row);
    }
}
