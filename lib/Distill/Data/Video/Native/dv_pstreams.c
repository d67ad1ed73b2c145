/*
 * A P-frame's three CoViAR inputs in one pass over the decoder's own buffers: its RGB24 pixels into cur, its
 * past-reference vectors rasterised into field (exactly as dv_rasterise) and residual = cur - dv_predict(ref, field)
 * (exactly as dv_predict then dv_residual), all height x width. Row by row: the row is converted to RGB, then its
 * field and residual are written while it is still in cache, one cell of the block grid (dv_field.c) at a time, so
 * every cell is a fixed-size copy and subtraction with a single vector.
 */
#include "distill_video.h"

/* Field and residual of the n pixels from x0 of row y, which all carry the vector (vx, vy). */
static inline void dv_cell(const uint8_t *restrict ref, const uint8_t *restrict cur, int w, int h, int y, int x0, int n,
                           int16_t vx, int16_t vy, int16_t *restrict field, int16_t *restrict residual)
{
    for (int x = x0; x < x0 + n; x++) {
        field[2 * x] = vx;
        field[2 * x + 1] = vy;
    }
    const uint8_t *s = ref + (size_t)dv_clamp(y - vy, 0, h - 1) * w * 3;
    if (x0 - vx >= 0 && x0 + n - vx <= w) {
        const uint8_t *sr = s + (ptrdiff_t)(x0 - vx) * 3, *cr = cur + (ptrdiff_t)x0 * 3;
        int16_t *o = residual + (ptrdiff_t)x0 * 3;
        for (int i = 0; i < 3 * n; i++) o[i] = (int16_t)((int)cr[i] - (int)sr[i]);
        return;
    }
    for (int x = x0; x < x0 + n; x++) {
        const uint8_t *sp = s + (size_t)dv_clamp(x - vx, 0, w - 1) * 3;
        residual[3 * x] = (int16_t)((int)cur[3 * x] - (int)sp[0]);
        residual[3 * x + 1] = (int16_t)((int)cur[3 * x + 1] - (int)sp[1]);
        residual[3 * x + 2] = (int16_t)((int)cur[3 * x + 2] - (int)sp[2]);
    }
}

#define DV_CELLS(n)                                                                                      \
    for (int c = 0; c < full; c++) dv_cell(ref, cur, w, h, y, c * (n), (n), v[2 * c], v[2 * c + 1], field, residual)

/* Field and residual row y from the grid; cur, field and residual point at row y, ref at the whole reference. */
DV_VECTOR_CLONES
static void dv_row_streams(const dv_grid *g, const uint8_t *ref, const uint8_t *cur, int w, int h, int y,
                           int16_t *field, int16_t *residual)
{
    const int16_t *v = g->vectors + (size_t)(y / g->cell) * g->cols * 2;
    int full = w / g->cell;
    switch (g->cell) { /* constant cell widths let the compiler unroll each cell into a few vector operations */
    case 16: DV_CELLS(16); break;
    case 8: DV_CELLS(8); break;
    case 4: DV_CELLS(4); break;
    default: DV_CELLS(g->cell); break;
    }
    if (full < g->cols)
        dv_cell(ref, cur, w, h, y, full * g->cell, w - full * g->cell, v[2 * full], v[2 * full + 1], field, residual);
}

DV_EXPORT int dv_p_streams(dv_reader *r, const uint8_t *ref, uint8_t *cur, int16_t *field, int16_t *residual, int64_t pixels)
{
    if (!r || !ref || !cur || !field || !residual) return DV_EARG;
    if (!r->have_frame) return dv_fail(r, DV_ESTATE, "no decoded frame to extract streams from");
    const AVFrame *f = r->frame;
    int w = f->width, h = f->height;
    if (pixels != (int64_t)w * h) return DV_ESIZE;
    size_t count;
    const AVMotionVector *mvs = dv_frame_vectors(f, &count);
    if (dv_grid_build(&r->grid, mvs, count, w, h) < 0)
        return dv_fail(r, DV_ENOMEM, "out of memory for the block grid of a %dx%d frame", w, h);
    int by_rows = dv_rgb_by_rows(f);
    if (!by_rows) {
        int rc = dv_rgb_whole(r, cur);
        if (rc < 0) return rc;
    }
    for (int y = 0; y < h; y++) {
        size_t at = (size_t)y * w;
        if (by_rows) dv_rgb_row(f, y, cur + at * 3);
        dv_row_streams(&r->grid, ref, cur + at * 3, w, h, y, field + at * 2, residual + at * 3);
    }
    return 0;
}
