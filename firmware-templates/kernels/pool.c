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

/* One output pixel of each pool for element type T (TFLM's int8 and int16 AveragePool / MaxPool share the
 * arithmetic: an int32 sum rounded half away from zero, a max from the type's lowest value). */
#define TF_POOL_PIXELS(AVG, MAX, T, LOWEST)                                                                  \
  static void AVG(const tf_pool2d_args *p, const T *x, int n, int oy, int ox, T *dst) {                      \
    pool_window w;                                                                                           \
    pool_window_of(p, oy, ox, &w);                                                                           \
    const int count = (w.y1 > w.y0 ? w.y1 - w.y0 : 0) * (w.x1 > w.x0 ? w.x1 - w.x0 : 0);                     \
    const int half = count / 2;                                                                              \
    for (int c = 0; c < p->depth; c++) {                                                                     \
      int32_t acc = 0;                                                                                       \
      for (int fy = w.y0; fy < w.y1; fy++) {                                                                 \
        const T *r = x + (((size_t)n * p->in_h + w.in_y0 + fy) * p->in_w + w.in_x0) * p->depth + c;          \
        for (int fx = w.x0; fx < w.x1; fx++) acc += r[(size_t)fx * p->depth];                                \
      }                                                                                                      \
      int32_t v = count == 0 ? 0 : acc > 0 ? (acc + half) / count : (acc - half) / count;                    \
      dst[c] = (T)tf_clamp(v, p->act_min, p->act_max);                                                       \
    }                                                                                                        \
  }                                                                                                          \
  static void MAX(const tf_pool2d_args *p, const T *x, int n, int oy, int ox, T *dst) {                      \
    pool_window w;                                                                                           \
    pool_window_of(p, oy, ox, &w);                                                                           \
    for (int c = 0; c < p->depth; c++) {                                                                     \
      int32_t m = LOWEST;                                                                                    \
      for (int fy = w.y0; fy < w.y1; fy++) {                                                                 \
        const T *r = x + (((size_t)n * p->in_h + w.in_y0 + fy) * p->in_w + w.in_x0) * p->depth + c;          \
        for (int fx = w.x0; fx < w.x1; fx++) {                                                               \
          const int32_t v = r[(size_t)fx * p->depth];                                                        \
          if (v > m) m = v;                                                                                  \
        }                                                                                                    \
      }                                                                                                      \
      dst[c] = (T)tf_clamp(m, p->act_min, p->act_max);                                                       \
    }                                                                                                        \
  }

TF_POOL_PIXELS(avg_pixel, max_pixel, int8_t, -128)
TF_POOL_PIXELS(avg_pixel_s16, max_pixel_s16, int16_t, -32768)

typedef void (*pool_pixel_fn)(const tf_pool2d_args *, const int8_t *, int, int, int, int8_t *);
typedef void (*pool_pixel_s16_fn)(const tf_pool2d_args *, const int16_t *, int, int, int, int16_t *);

/* Every output pixel in order, straight into the output ('default'). */
#define TF_POOL_ALL(NAME, FN, T)                                                                                      \
  static void NAME(FN f, const int32_t *args) {                                                                       \
    const tf_pool2d_args *p = (const tf_pool2d_args *)args;                                                           \
    const T *x = (const T *)tf_ref(p->input);                                                                         \
    T *y = (T *)tf_ref(p->output);                                                                                    \
    for (int n = 0; n < p->batches; n++)                                                                              \
      for (int oy = 0; oy < p->out_h; oy++)                                                                           \
        for (int ox = 0; ox < p->out_w; ox++) f(p, x, n, oy, ox, y + (((size_t)n * p->out_h + oy) * p->out_w + ox) * p->depth); \
  }

TF_POOL_ALL(pool_all, pool_pixel_fn, int8_t)
TF_POOL_ALL(pool_all_s16, pool_pixel_s16_fn, int16_t)

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

/* int16: 'default' only. */
void avgpool2d_s16(const int32_t *args) { pool_all_s16(avg_pixel_s16, args); }
void maxpool2d_s16(const int32_t *args) { pool_all_s16(max_pixel_s16, args); }
