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

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DV_GATHER 1
#define DV_CLAMP8(v, lo, hi) _mm256_min_epi32(_mm256_max_epi32((v), (lo)), (hi))

/*
 * The per-pixel formula 8 pixels at a time. Where the 8 share one vector and their source row segment lies inside the
 * frame, the source is two plain loads; otherwise each source pixel's 3 bytes come from one 32-bit gather (its 4th
 * byte dropped), and a group whose source includes the frame's last pixel (4 bytes would pass its end) is left to the
 * run loop, as is the row's end (the 16-byte loads reach 4 pixels past a group). Returns where it stopped.
 */
__attribute__((target("avx2")))
static int dv_predict_residual_avx2(const uint8_t *ref, const int16_t *f, const uint8_t *c, int w, int h, int y, int16_t *o)
{
    const __m256i zero = _mm256_setzero_si256(), wmax = _mm256_set1_epi32(w - 1), hmax = _mm256_set1_epi32(h - 1),
                  yv = _mm256_set1_epi32(y), wv = _mm256_set1_epi32(w), last = _mm256_set1_epi32((w * h - 1) * 3),
                  rgb = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                         0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1),
                  six = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);
    int x = 0;
    for (; x + 10 <= w; x += 8) {
        __m256i pairs = _mm256_loadu_si256((const __m256i *)(f + 2 * x)), p;
        int16_t ux = f[2 * x], uy = f[2 * x + 1];
        __m256i same = _mm256_cmpeq_epi32(pairs, _mm256_set1_epi32((int)((uint16_t)ux | (uint32_t)(uint16_t)uy << 16)));
        if (_mm256_movemask_epi8(same) == -1 && x - ux >= 0 && x - ux + 10 <= w) {
            const uint8_t *s = ref + ((size_t)dv_clamp(y - uy, 0, h - 1) * w + (size_t)(x - ux)) * 3;
            p = _mm256_setr_m128i(_mm_loadu_si128((const __m128i *)s), _mm_loadu_si128((const __m128i *)(s + 12)));
        } else {
            __m256i vx = _mm256_srai_epi32(_mm256_slli_epi32(pairs, 16), 16), vy = _mm256_srai_epi32(pairs, 16);
            __m256i xs = _mm256_add_epi32(_mm256_set1_epi32(x), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
            __m256i sx = DV_CLAMP8(_mm256_sub_epi32(xs, vx), zero, wmax), sy = DV_CLAMP8(_mm256_sub_epi32(yv, vy), zero, hmax);
            __m256i at = _mm256_add_epi32(_mm256_mullo_epi32(sy, wv), sx);
            at = _mm256_add_epi32(at, _mm256_add_epi32(at, at));
            if (_mm256_movemask_epi8(_mm256_cmpeq_epi32(at, last))) break;
            p = _mm256_shuffle_epi8(_mm256_i32gather_epi32((const int *)ref, at, 1), rgb);
        }
        const uint8_t *cr = c + 3 * x;
        __m256i d0 = _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)cr)), _mm256_cvtepu8_epi16(_mm256_castsi256_si128(p)));
        __m256i d1 = _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(cr + 12))), _mm256_cvtepu8_epi16(_mm256_extracti128_si256(p, 1)));
        _mm256_maskstore_epi32((int *)(o + 3 * x), six, d0);
        _mm256_maskstore_epi32((int *)(o + 3 * x + 12), six, d1);
    }
    return x;
}
#endif

/*
 * Row y of residual = cur - ref(clamp(p - field(p))) for any field (e.g. an accumulated one), fused dv_predict +
 * dv_residual; f, c and o point at row y of the field, cur and residual, ref at the whole reference. Runs of pixels
 * sharing one vector whose source stays inside the frame become one contiguous subtraction.
 */
DV_VECTOR_CLONES
static void dv_predict_residual_row(const uint8_t *ref, const int16_t *f, const uint8_t *c, int w, int h, int y, int16_t *o)
{
    int x = 0;
#ifdef DV_GATHER
    if (__builtin_cpu_supports("avx2")) x = dv_predict_residual_avx2(ref, f, c, w, h, y, o);
#endif
    while (x < w) {
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

DV_EXPORT int dv_predict_residual(const uint8_t *ref, const int16_t *field, const uint8_t *cur, int32_t w, int32_t h, int16_t *residual)
{
    if (!ref || !field || !cur || !residual || !dv_size_ok(w, h)) return DV_EARG;
    for (int y = 0; y < h; y++)
        dv_predict_residual_row(ref, field + (size_t)y * w * 2, cur + (size_t)y * w * 3, w, h, y, residual + (size_t)y * w * 3);
    return 0;
}
