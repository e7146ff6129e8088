// Lowering of RESIZE_BILINEAR: the source rows and columns (TFLM's integer positions) as constant int32 triples.
import type { BilinearSource } from '../../../ir/resize-bilinear.js';
import { bilinearSources } from '../../../ir/resize-bilinear.js';
import { arrayRef, type OpLowering } from '../context.js';
import { resizeFields } from './movement.js';

const triples = (s: readonly BilinearSource[]) => s.flatMap((v) => [v.lo, v.hi, v.frac]);

export const RESIZE_BILINEAR: OpLowering<'RESIZE_BILINEAR'> = {
  symbol: () => 'resize_bilinear_s8',
  record(ctx, { call, op, where }) {
    const g = resizeFields(ctx, call, where);
    const { alignCorners, halfPixelCenters } = op.attrs;
    return {
      record: 'resize_bilinear',
      fields: {
        ...g,
        rows: arrayRef(ctx, triples(bilinearSources(g.in_h, g.out_h, alignCorners, halfPixelCenters))),
        cols: arrayRef(ctx, triples(bilinearSources(g.in_w, g.out_w, alignCorners, halfPixelCenters))),
      },
    };
  },
};
