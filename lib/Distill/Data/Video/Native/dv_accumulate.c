/*
 * CoViAR's accumulation back to the GOP's I-frame: with q = clamp(p - field(p)),
 * acc(p) = (p - q) + acc_prev(q), which is field(p) + acc_prev(p - field(p)) whenever the source lies inside
 * the frame. p - acc(p) is the I-frame pixel that p traces back to. acc_prev is all zeros at the I-frame.
 */
#include "distill_video.h"

DV_VECTOR_CLONES
DV_EXPORT int dv_accumulate(const int16_t *acc_prev, const int16_t *field, int32_t w, int32_t h, int16_t *acc)
{
    if (!acc_prev || !field || !acc || acc == acc_prev || !dv_size_ok(w, h)) return DV_EARG;
    for (int y = 0; y < h; y++) {
        const int16_t *f = field + (size_t)y * w * 2;
        int16_t *o = acc + (size_t)y * w * 2;
        for (int x = 0; x < w;) {
            int16_t vx = f[2 * x], vy = f[2 * x + 1];
            int end = dv_run_end(f, x, w);
            int qy = dv_clamp(y - vy, 0, h - 1);
            const int16_t *a = acc_prev + (size_t)qy * w * 2;
            if (x - vx >= 0 && end - vx <= w) {
                /* (p - q) is the constant (vx, y - qy) along the run; |acc| stays within 2 * DV_MAX_SIDE, inside int16. */
                int16_t dy = (int16_t)(y - qy);
                const int16_t *ar = a + (ptrdiff_t)(x - vx) * 2;
                for (int i = 0; i < 2 * (end - x); i += 2) {
                    o[2 * x + i] = (int16_t)dv_clamp(vx + ar[i], -DV_MAX_SIDE, DV_MAX_SIDE);
                    o[2 * x + i + 1] = (int16_t)dv_clamp(dy + ar[i + 1], -DV_MAX_SIDE, DV_MAX_SIDE);
                }
            } else {
                for (int p = x; p < end; p++) {
                    int qx = dv_clamp(p - vx, 0, w - 1);
                    o[2 * p] = (int16_t)dv_clamp(p - qx + a[2 * qx], -DV_MAX_SIDE, DV_MAX_SIDE);
                    o[2 * p + 1] = (int16_t)dv_clamp(y - qy + a[2 * qx + 1], -DV_MAX_SIDE, DV_MAX_SIDE);
                }
            }
            x = end;
        }
    }
    return 0;
}
