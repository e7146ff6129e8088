/* AVERAGE_POOL_2D / MAX_POOL_2D int8 and int16 (reference: src/reference/ops/pool.ts). */
#include <string.h>
#include "tf_kernels.h"
#include "tf_quant.h"

typedef struct {
  int in_y0, in_x0, y0, y1, x0, x1;
} pool_window;

static inline void pool_window_of(const tf_pool2d_args *p, int oy, int ox, pool_window *w) {
  w->in_y0 = oy * p->stride_h - p->pad_top;
  w->y0 = w->in_y0 < 0 ? -w->in_y0 : 0;
  w->y1 = p->in_h - w->in_y0 < p->filter_h ? p->in_h - w->in_y0 : p->filter_h;
  w->in_x0 = ox * p->stride_w - p->pad_left;
  w->x0 = w->in_x0 < 0 ? -w->in_x0 : 0;
  w->x1 = p->in_w - w->in_x0 < p->filter_w ? p->in_w - w->in_x0 : p->filter_w;
}

static void avg_pixel(const tf_pool2d_args *p, const int8_t *x, int n, int oy, int ox, int8_t *dst) {
  pool_window w;
  pool_window_of(p, oy, ox, &w);
  const int count = (w.y1 > w.y0 ? w.y1 - w.y0 : 0) * (w.x1 > w.x0 ? w.x1 - w.x0 : 0);
  const int half = count / 2;
  for (int c = 0; c < p->depth; c++) {
    int32_t acc = 0;
    for (int fy = w.y0; fy < w.y1; fy++) {
      const int8_t *r = x + (((size_t)n * p->in_h + w.in_y0 + fy) * p->in_w + w.in_x0) * p->depth + c;
      for (int fx = w.x0; fx < w.x1; fx++) acc += r[(size_t)fx * p->depth];
    }
    int32_t v = count == 0 ? 0 : acc > 0 ? (acc + half) / count : (acc - half) / count;
    dst[c] = (int8_t)tf_clamp(v, p->act_min, p->act_max);
  }
}

static void max_pixel(const tf_pool2d_args *p, const int8_t *x, int n, int oy, int ox, int8_t *dst) {
  pool_window w;
  pool_window_of(p, oy, ox, &w);
  for (int c = 0; c < p->depth; c++) {
    int32_t m = -128;
    for (int fy = w.y0; fy < w.y1; fy++) {
      const int8_t *r = x + (((size_t)n * p->in_h + w.in_y0 + fy) * p->in_w + w.in_x0) * p->depth + c;
      for (int fx = w.x0; fx < w.x1; fx++) {
        const int32_t v = r[(size_t)fx * p->depth];
        if (v > m) m = v;
      }
    }
    dst[c] = (int8_t)tf_clamp(m, p->act_min, p->act_max);
  }
}

typedef void (*pool_pixel_fn)(const tf_pool2d_args *, const int8_t *, int, int, int, int8_t *);

static void pool_all(pool_pixel_fn f, const int32_t *args) {
  const tf_pool2d_args *p = (const tf_pool2d_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  for (int n = 0; n < p->batches; n++)
    for (int oy = 0; oy < p->out_h; oy++)
      for (int ox = 0; ox < p->out_w; ox++) f(p, x, n, oy, ox, y + (((size_t)n * p->out_h + oy) * p->out_w + ox) * p->depth);
}

/* stream-row: each output row into the scratch row, then copied to the output. */
static void pool_rows(pool_pixel_fn f, const int32_t *args) {
  const tf_pool2d_args *p = (const tf_pool2d_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  int8_t *s = (int8_t *)tf_ref(p->scratch);
  const size_t row = (size_t)p->out_w * p->depth;
  for (int n = 0; n < p->batches; n++)
    for (int oy = 0; oy < p->out_h; oy++) {
      for (int ox = 0; ox < p->out_w; ox++) f(p, x, n, oy, ox, s + (size_t)ox * p->depth);
      memcpy(y + ((size_t)n * p->out_h + oy) * row, s, row);
    }
}

void avgpool2d_s8(const int32_t *args) { pool_all(avg_pixel, args); }
void avgpool2d_s8_stream_row(const int32_t *args) { pool_rows(avg_pixel, args); }
void maxpool2d_s8(const int32_t *args) { pool_all(max_pixel, args); }
void maxpool2d_s8_stream_row(const int32_t *args) { pool_rows(max_pixel, args); }

/* int16 (TFLM's int16 AveragePool / MaxPool: the same arithmetic on int16 elements), 'default' only. */
static void avg_pixel_s16(const tf_pool2d_args *p, const int16_t *x, int n, int oy, int ox, int16_t *dst) {
  pool_window w;
  pool_window_of(p, oy, ox, &w);
  const int count = (w.y1 > w.y0 ? w.y1 - w.y0 : 0) * (w.x1 > w.x0 ? w.x1 - w.x0 : 0);
  const int half = count / 2;
  for (int c = 0; c < p->depth; c++) {
    int32_t acc = 0;
    for (int fy = w.y0; fy < w.y1; fy++) {
      const int16_t *r = x + (((size_t)n * p->in_h + w.in_y0 + fy) * p->in_w + w.in_x0) * p->depth + c;
      for (int fx = w.x0; fx < w.x1; fx++) acc += r[(size_t)fx * p->depth];
    }
    int32_t v = count == 0 ? 0 : acc > 0 ? (acc + half) / count : (acc - half) / count;
    dst[c] = (int16_t)tf_clamp(v, p->act_min, p->act_max);
  }
}

static void max_pixel_s16(const tf_pool2d_args *p, const int16_t *x, int n, int oy, int ox, int16_t *dst) {
  pool_window w;
  pool_window_of(p, oy, ox, &w);
  for (int c = 0; c < p->depth; c++) {
    int32_t m = -32768;
    for (int fy = w.y0; fy < w.y1; fy++) {
      const int16_t *r = x + (((size_t)n * p->in_h + w.in_y0 + fy) * p->in_w + w.in_x0) * p->depth + c;
      for (int fx = w.x0; fx < w.x1; fx++) {
        const int32_t v = r[(size_t)fx * p->depth];
        if (v > m) m = v;
      }
    }
    dst[c] = (int16_t)tf_clamp(m, p->act_min, p->act_max);
  }
}

typedef void (*pool_pixel_s16_fn)(const tf_pool2d_args *, const int16_t *, int, int, int, int16_t *);

static void pool_all_s16(pool_pixel_s16_fn f, const int32_t *args) {
  const tf_pool2d_args *p = (const tf_pool2d_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  int16_t *y = (int16_t *)tf_ref(p->output);
  for (int n = 0; n < p->batches; n++)
    for (int oy = 0; oy < p->out_h; oy++)
      for (int ox = 0; ox < p->out_w; ox++) f(p, x, n, oy, ox, y + (((size_t)n * p->out_h + oy) * p->out_w + ox) * p->depth);
}

void avgpool2d_s16(const int32_t *args) { pool_all_s16(avg_pixel_s16, args); }
void maxpool2d_s16(const int32_t *args) { pool_all_s16(max_pixel_s16, args); }
