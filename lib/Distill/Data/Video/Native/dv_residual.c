/*
 * CoViAR's residual: the decoded frame minus its motion-compensated prediction, both RGB24.
 * pred(p) = ref(clamp(p - field(p))), the frame border repeated outward as the codec does; residual = cur - pred.
 */
#include "distill_video.h"

/* Motion-compensated prediction of a whole frame from ref through field. */
DV_EXPORT int dv_predict(const uint8_t *ref, const int16_t *field, int32_t w, int32_t h, uint8_t *pred)
{
    if (!ref || !field || !pred || !dv_size_ok(w, h)) return DV_EARG;
    for (int y = 0; y < h; y++) {
        const int16_t *f = field + (size_t)y * w * 2;
        uint8_t *o = pred + (size_t)y * w * 3;
        for (int x = 0; x < w; x++) {
            int sx = dv_clamp(x - f[2 * x], 0, w - 1), sy = dv_clamp(y - f[2 * x + 1], 0, h - 1);
            const uint8_t *s = ref + ((size_t)sy * w + sx) * 3;
            o[3 * x] = s[0];
            o[3 * x + 1] = s[1];
            o[3 * x + 2] = s[2];
        }
    }
    return 0;
}

/* residual = cur - pred, element-wise over n bytes. */
DV_EXPORT int dv_residual(const uint8_t *cur, const uint8_t *pred, int64_t n, int16_t *residual)
{
    if (!cur || !pred || !residual || n < 0) return DV_EARG;
    for (int64_t i = 0; i < n; i++) residual[i] = (int16_t)((int)cur[i] - (int)pred[i]);
    return 0;
}

/*
 * residual = cur - ref(clamp(p - field(p))) for any field (e.g. an accumulated one), fused dv_predict + dv_residual.
 * Runs of pixels sharing one vector whose source stays inside the frame become one contiguous subtraction.
 */
DV_VECTOR_CLONES
DV_EXPORT int dv_predict_residual(const uint8_t *ref, const int16_t *field, const uint8_t *cur, int32_t w, int32_t h, int16_t *residual)
{
    if (!ref || !field || !cur || !residual || !dv_size_ok(w, h)) return DV_EARG;
    for (int y = 0; y < h; y++) {
        const int16_t *f = field + (size_t)y * w * 2;
        const uint8_t *c = cur + (size_t)y * w * 3;
        int16_t *o = residual + (size_t)y * w * 3;
        for (int x = 0; x < w;) {
            int16_t vx = f[2 * x], vy = f[2 * x + 1];
            int end = dv_run_end(f, x, w);
            int sy = dv_clamp(y - vy, 0, h - 1);
            const uint8_t *s = ref + (size_t)sy * w * 3;
            if (x - vx >= 0 && end - vx <= w) {
                const uint8_t *sr = s + (ptrdiff_t)(x - vx) * 3;
                for (int i = 3 * x; i < 3 * end; i++) o[i] = (int16_t)((int)c[i] - (int)sr[i - 3 * x]);
            } else {
                for (int p = x; p < end; p++) {
                    const uint8_t *sp = s + (size_t)dv_clamp(p - vx, 0, w - 1) * 3;
                    o[3 * p] = (int16_t)((int)c[3 * p] - (int)sp[0]);
                    o[3 * p + 1] = (int16_t)((int)c[3 * p + 1] - (int)sp[1]);
                    o[3 * p + 2] = (int16_t)((int)c[3 * p + 2] - (int)sp[2]);
                }
            }
            x = end;
        }
    }
    return 0;
}
