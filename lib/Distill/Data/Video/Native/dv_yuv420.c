/*
 * One row of a 4:2:0 frame (BT.601 limited range, FFmpeg's default for such video) as packed RGB24, each chroma
 * sample serving its 2x2 pixels as swscale's unscaled converter does. The arithmetic is fixed-point (Q6, 16-bit) and
 * identical in every variant, so the scalar, SSSE3 and AVX2 paths give the same bytes:
 *
 *   y' = (Y * 256 * 19077) >> 16                        (1.164383 * 64 * Y)
 *   R  = sat((y' + ((V' * 256 * 26149) >> 16) + K) >> 6)                        (1.596027 V')
 *   G  = sat((y' - ((U' * 256 * 6419) >> 16) - ((V' * 256 * 13320) >> 16) + K) >> 6)  (0.391762 U', 0.812968 V')
 *   B  = sat((y' + U' * 128 + ((U' * 256 * 282) >> 16) + K) >> 6)              (2.017232 U')
 *
 * with U' = U - 128, V' = V - 128, K = 32 - 1192 (rounding, minus 16 * 1.164383 * 64) and sat clamping to 0..255.
 * The vector paths add B's terms with 16-bit saturation, which only ever saturates where sat gives 255 anyway.
 * The result is within one level of the exact BT.601 formula.
 */
#include <string.h>

#include "distill_video.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DV_X86 1
#endif

enum { DV_KY = 19077, DV_KRV = 26149, DV_KGU = 6419, DV_KGV = 13320, DV_KBU = 282, DV_KOFF = 32 - 1192 };

static inline int dv_mulhi(int a, int b) { return (a * b) >> 16; }
static inline uint8_t dv_sat6(int v) { v >>= 6; return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }

/* Pixels x0..w of the row, one at a time. */
static void dv_yuv420_row_scalar(const uint8_t *py, const uint8_t *pu, const uint8_t *pv, int x0, int w, uint8_t *out)
{
    for (int x = x0; x < w; x++) {
        int u = pu[x >> 1] - 128, v = pv[x >> 1] - 128;
        int yt = (int)(((unsigned)py[x] << 8) * DV_KY >> 16);
        out[3 * x] = dv_sat6(yt + dv_mulhi(v * 256, DV_KRV) + DV_KOFF);
        out[3 * x + 1] = dv_sat6(yt - dv_mulhi(u * 256, DV_KGU) - dv_mulhi(v * 256, DV_KGV) + DV_KOFF);
        out[3 * x + 2] = dv_sat6(yt + u * 128 + dv_mulhi(u * 256, DV_KBU) + DV_KOFF);
    }
}

#ifdef DV_X86
/* pshufb masks spreading 16 R, G and B bytes over 48 bytes of RGB24: output register k takes bytes 16k..16k+15. */
#define DV_RGB24_MASKS                                                                                 \
    const int8_t masks[9][16] = {                                                                      \
        {0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1, -1, 5},                                    \
        {-1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1, -1},                                   \
        {-1, -1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1},                                   \
        {-1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1, 10, -1},                                  \
        {5, -1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1, 10},                                   \
        {-1, 5, -1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1},                                   \
        {-1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15, -1, -1},                              \
        {-1, -1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15, -1},                              \
        {10, -1, -1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15}}

/* 16 pixels per step in 128-bit registers. */
__attribute__((target("ssse3")))
static void dv_yuv420_row_ssse3(const uint8_t *py, const uint8_t *pu, const uint8_t *pv, int w, int readable, uint8_t *out)
{
    DV_RGB24_MASKS;
    __m128i m[9];
    for (int i = 0; i < 9; i++) m[i] = _mm_loadu_si128((const __m128i *)masks[i]);
    const __m128i ky = _mm_set1_epi16(DV_KY), krv = _mm_set1_epi16(DV_KRV), kgu = _mm_set1_epi16(DV_KGU),
                  kgv = _mm_set1_epi16(DV_KGV), kbu = _mm_set1_epi16(DV_KBU), koff = _mm_set1_epi16(DV_KOFF),
                  k128 = _mm_set1_epi16(128), zero = _mm_setzero_si128();
    uint8_t spill[48];
    int x = 0;
    for (; x < w && x + 16 <= readable; x += 16) {
        uint8_t *dst = x + 16 <= w ? out + 3 * x : spill; /* a last, partial step goes through spill */
        __m128i y8 = _mm_loadu_si128((const __m128i *)(py + x));
        __m128i u = _mm_sub_epi16(_mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(pu + x / 2)), zero), k128);
        __m128i v = _mm_sub_epi16(_mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(pv + x / 2)), zero), k128);
        __m128i us = _mm_slli_epi16(u, 8), vs = _mm_slli_epi16(v, 8);
        __m128i rt = _mm_add_epi16(_mm_mulhi_epi16(vs, krv), koff);
        __m128i gt = _mm_sub_epi16(koff, _mm_add_epi16(_mm_mulhi_epi16(us, kgu), _mm_mulhi_epi16(vs, kgv)));
        __m128i bt = _mm_add_epi16(_mm_add_epi16(_mm_slli_epi16(u, 7), _mm_mulhi_epi16(us, kbu)), koff);
        __m128i yl = _mm_mulhi_epu16(_mm_unpacklo_epi8(zero, y8), ky), yh = _mm_mulhi_epu16(_mm_unpackhi_epi8(zero, y8), ky);
        __m128i r = _mm_packus_epi16(_mm_srai_epi16(_mm_add_epi16(yl, _mm_unpacklo_epi16(rt, rt)), 6),
                                     _mm_srai_epi16(_mm_add_epi16(yh, _mm_unpackhi_epi16(rt, rt)), 6));
        __m128i g = _mm_packus_epi16(_mm_srai_epi16(_mm_add_epi16(yl, _mm_unpacklo_epi16(gt, gt)), 6),
                                     _mm_srai_epi16(_mm_add_epi16(yh, _mm_unpackhi_epi16(gt, gt)), 6));
        __m128i b = _mm_packus_epi16(_mm_srai_epi16(_mm_adds_epi16(yl, _mm_unpacklo_epi16(bt, bt)), 6),
                                     _mm_srai_epi16(_mm_adds_epi16(yh, _mm_unpackhi_epi16(bt, bt)), 6));
        for (int k = 0; k < 3; k++) {
            __m128i o = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(r, m[3 * k]), _mm_shuffle_epi8(g, m[3 * k + 1])),
                                     _mm_shuffle_epi8(b, m[3 * k + 2]));
            _mm_storeu_si128((__m128i *)(dst + 16 * k), o);
        }
        if (dst == spill) memcpy(out + 3 * x, spill, (size_t)(w - x) * 3);
    }
    dv_yuv420_row_scalar(py, pu, pv, x, w, out);
}

/* 32 pixels per step: the two 128-bit lanes hold pixels x..x+15 and x+16..x+31, each as in the SSSE3 path. */
__attribute__((target("avx2")))
static void dv_yuv420_row_avx2(const uint8_t *py, const uint8_t *pu, const uint8_t *pv, int w, int readable, uint8_t *out)
{
    DV_RGB24_MASKS;
    __m256i m[9];
    for (int i = 0; i < 9; i++) m[i] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)masks[i]));
    const __m256i ky = _mm256_set1_epi16(DV_KY), krv = _mm256_set1_epi16(DV_KRV), kgu = _mm256_set1_epi16(DV_KGU),
                  kgv = _mm256_set1_epi16(DV_KGV), kbu = _mm256_set1_epi16(DV_KBU), koff = _mm256_set1_epi16(DV_KOFF),
                  k128 = _mm256_set1_epi16(128), zero = _mm256_setzero_si256();
    uint8_t spill[96];
    int x = 0;
    for (; x < w && x + 32 <= readable; x += 32) {
        uint8_t *dst = x + 32 <= w ? out + 3 * x : spill; /* a last, partial step goes through spill */
        __m256i y8 = _mm256_loadu_si256((const __m256i *)(py + x));
        __m256i u = _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(pu + x / 2))), k128);
        __m256i v = _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(pv + x / 2))), k128);
        __m256i us = _mm256_slli_epi16(u, 8), vs = _mm256_slli_epi16(v, 8);
        __m256i rt = _mm256_add_epi16(_mm256_mulhi_epi16(vs, krv), koff);
        __m256i gt = _mm256_sub_epi16(koff, _mm256_add_epi16(_mm256_mulhi_epi16(us, kgu), _mm256_mulhi_epi16(vs, kgv)));
        __m256i bt = _mm256_add_epi16(_mm256_add_epi16(_mm256_slli_epi16(u, 7), _mm256_mulhi_epi16(us, kbu)), koff);
        __m256i yl = _mm256_mulhi_epu16(_mm256_unpacklo_epi8(zero, y8), ky), yh = _mm256_mulhi_epu16(_mm256_unpackhi_epi8(zero, y8), ky);
        __m256i r = _mm256_packus_epi16(_mm256_srai_epi16(_mm256_add_epi16(yl, _mm256_unpacklo_epi16(rt, rt)), 6),
                                        _mm256_srai_epi16(_mm256_add_epi16(yh, _mm256_unpackhi_epi16(rt, rt)), 6));
        __m256i g = _mm256_packus_epi16(_mm256_srai_epi16(_mm256_add_epi16(yl, _mm256_unpacklo_epi16(gt, gt)), 6),
                                        _mm256_srai_epi16(_mm256_add_epi16(yh, _mm256_unpackhi_epi16(gt, gt)), 6));
        __m256i b = _mm256_packus_epi16(_mm256_srai_epi16(_mm256_adds_epi16(yl, _mm256_unpacklo_epi16(bt, bt)), 6),
                                        _mm256_srai_epi16(_mm256_adds_epi16(yh, _mm256_unpackhi_epi16(bt, bt)), 6));
        for (int k = 0; k < 3; k++) {
            __m256i o = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(r, m[3 * k]), _mm256_shuffle_epi8(g, m[3 * k + 1])),
                                        _mm256_shuffle_epi8(b, m[3 * k + 2]));
            _mm_storeu_si128((__m128i *)(dst + 16 * k), _mm256_castsi256_si128(o));
            _mm_storeu_si128((__m128i *)(dst + 48 + 16 * k), _mm256_extracti128_si256(o, 1));
        }
        if (dst == spill) memcpy(out + 3 * x, spill, (size_t)(w - x) * 3);
    }
    if (x < w) dv_yuv420_row_ssse3(py + x, pu + x / 2, pv + x / 2, w - x, readable - x, out + 3 * x);
}
#endif

typedef void (*dv_row_fn)(const uint8_t *, const uint8_t *, const uint8_t *, int, int, uint8_t *);

static void dv_yuv420_row_portable(const uint8_t *py, const uint8_t *pu, const uint8_t *pv, int w, int readable, uint8_t *out)
{
    (void)readable;
    dv_yuv420_row_scalar(py, pu, pv, 0, w, out);
}

static dv_row_fn dv_pick_row(void)
{
#ifdef DV_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return dv_yuv420_row_avx2;
    if (__builtin_cpu_supports("ssse3")) return dv_yuv420_row_ssse3;
#endif
    return dv_yuv420_row_portable;
}

void dv_yuv420_row(const uint8_t *py, const uint8_t *pu, const uint8_t *pv, int w, int readable, uint8_t *out)
{
    static dv_row_fn row;
    dv_row_fn f = __atomic_load_n(&row, __ATOMIC_RELAXED);
    if (!f) {
        f = dv_pick_row();
        __atomic_store_n(&row, f, __ATOMIC_RELAXED);
    }
    f(py, pu, pv, w, readable < w ? w : readable, out);
}
