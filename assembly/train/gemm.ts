// Float32 GEMM, C[M,N] (+)= A[M,K] · B[K,N], f32x4 with a 4x8 register block. A and B are read
// through (row, column) strides in elements, so transposed operands (the backward passes) need no copy.
// B is packed 8 columns at a time into `pack` (K*8 floats) so the inner loop reads it contiguously.

const COLS: i32 = 8;

// @ts-ignore: decorator
@inline
function packPanel(b: usize, bRow: i32, bCol: i32, pack: usize, K: i32, j0: i32, width: i32): void {
  if (bCol == 1 && width == COLS) {
    for (let k = 0; k < K; k++) {
      const src = b + ((<usize>k * bRow + j0) << 2);
      const dst = pack + (<usize>(k * COLS) << 2);
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
    }
    return;
  }
  for (let k = 0; k < K; k++) {
    const dst = pack + (<usize>(k * COLS) << 2);
    for (let jj = 0; jj < COLS; jj++) {
      const v: f32 = jj < width ? load<f32>(b + ((<usize>k * bRow + <usize>(j0 + jj) * bCol) << 2)) : 0;
      store<f32>(dst + (<usize>jj << 2), v);
    }
  }
}

// @ts-ignore: decorator
@inline
function storeRow(c: usize, lo: v128, hi: v128, width: i32, accumulate: bool): void {
  if (width == COLS) {
    if (accumulate) {
      lo = f32x4.add(lo, v128.load(c));
      hi = f32x4.add(hi, v128.load(c, 16));
    }
    v128.store(c, lo);
    v128.store(c, hi, 16);
    return;
  }
  // Edge panel: spill the block and store only the columns that exist.
  const lanes = memory.data(32, 16);
  v128.store(lanes, lo);
  v128.store(lanes, hi, 16);
  for (let jj = 0; jj < width; jj++) {
    const p = c + (<usize>jj << 2);
    const v = load<f32>(lanes + (<usize>jj << 2));
    store<f32>(p, accumulate ? load<f32>(p) + v : v);
  }
}

export function gemm(
  a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize,
  M: i32, K: i32, N: i32, accumulate: bool, pack: usize,
): void {
  const aStep = <usize>aCol << 2;
  const aRowBytes = <usize>aRow << 2;
  for (let j0 = 0; j0 < N; j0 += COLS) {
    const width = min(COLS, N - j0);
    packPanel(b, bRow, bCol, pack, K, j0, width);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      let pa = a + <usize>i * aRowBytes;
      let pb = pack;
      let c0l = f32x4.splat(0), c0h = f32x4.splat(0), c1l = f32x4.splat(0), c1h = f32x4.splat(0);
      let c2l = f32x4.splat(0), c2h = f32x4.splat(0), c3l = f32x4.splat(0), c3h = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const bl = v128.load(pb);
        const bh = v128.load(pb, 16);
        const a0 = f32x4.splat(load<f32>(pa));
        const a1 = f32x4.splat(load<f32>(pa + aRowBytes));
        const a2 = f32x4.splat(load<f32>(pa + 2 * aRowBytes));
        const a3 = f32x4.splat(load<f32>(pa + 3 * aRowBytes));
        c0l = f32x4.add(c0l, f32x4.mul(a0, bl)); c0h = f32x4.add(c0h, f32x4.mul(a0, bh));
        c1l = f32x4.add(c1l, f32x4.mul(a1, bl)); c1h = f32x4.add(c1h, f32x4.mul(a1, bh));
        c2l = f32x4.add(c2l, f32x4.mul(a2, bl)); c2h = f32x4.add(c2h, f32x4.mul(a2, bh));
        c3l = f32x4.add(c3l, f32x4.mul(a3, bl)); c3h = f32x4.add(c3h, f32x4.mul(a3, bh));
        pa += aStep;
        pb += COLS << 2;
      }
      const pc = c + ((<usize>i * N + j0) << 2);
      const rowBytes = <usize>N << 2;
      storeRow(pc, c0l, c0h, width, accumulate);
      storeRow(pc + rowBytes, c1l, c1h, width, accumulate);
      storeRow(pc + 2 * rowBytes, c2l, c2h, width, accumulate);
      storeRow(pc + 3 * rowBytes, c3l, c3h, width, accumulate);
    }
    for (; i < M; i++) {
      let pa = a + <usize>i * aRowBytes;
      let pb = pack;
      let cl = f32x4.splat(0), ch = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const av = f32x4.splat(load<f32>(pa));
        cl = f32x4.add(cl, f32x4.mul(av, v128.load(pb)));
        ch = f32x4.add(ch, f32x4.mul(av, v128.load(pb, 16)));
        pa += aStep;
        pb += COLS << 2;
      }
      storeRow(c + ((<usize>i * N + j0) << 2), cl, ch, width, accumulate);
    }
  }
}
