/*
 * Motion vectors of the decoded frame: copied out as AVMotionVector describes them (dv_mvs), rasterised into
 * CoViAR's field at frame resolution (dv_rasterise), and laid on the coarse block grid the fused P-frame pass reads.
 * Only past-reference vectors (source < 0) with plausible block sizes (1..64) count; pixels no vector covers (intra
 * blocks) get 0. Where blocks overlap the later one wins.
 */
#include <stdlib.h>
#include <string.h>

#include "distill_video.h"

const AVMotionVector *dv_frame_vectors(const AVFrame *f, size_t *count)
{
    const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_MOTION_VECTORS);
    *count = sd && sd->data ? sd->size / sizeof(AVMotionVector) : 0;
    return *count ? (const AVMotionVector *)sd->data : NULL;
}

/* Copies the current frame's motion vectors (at most cap) into dst; returns how many were copied. */
DV_EXPORT int dv_mvs(dv_reader *r, dv_mv *dst, int32_t cap)
{
    if (!r || (cap > 0 && !dst) || cap < 0) return DV_EARG;
    if (!r->have_frame) return dv_fail(r, DV_ESTATE, "no decoded frame to read vectors from");
    size_t count;
    const AVMotionVector *mvs = dv_frame_vectors(r->frame, &count);
    if (count > (size_t)cap) count = (size_t)cap;
    for (size_t i = 0; i < count; i++) {
        const AVMotionVector *m = &mvs[i];
        dv_mv *o = &dst[i];
        o->source = m->source;
        o->w = m->w;
        o->h = m->h;
        o->src_x = m->src_x;
        o->src_y = m->src_y;
        o->dst_x = m->dst_x;
        o->dst_y = m->dst_y;
        o->motion_x = m->motion_x;
        o->motion_y = m->motion_y;
        o->motion_scale = (int32_t)m->motion_scale;
        o->flags = (int64_t)m->flags;
    }
    return (int)count;
}

/* Rasterises one frame's vectors into a w x h x 2 field: every pixel of a block gets (dst_x - src_x, dst_y - src_y). */
DV_EXPORT int dv_rasterise(const dv_mv *mvs, int32_t count, int32_t w, int32_t h, int16_t *field)
{
    if (!field || count < 0 || (count > 0 && !mvs) || !dv_size_ok(w, h)) return DV_EARG;
    memset(field, 0, (size_t)w * h * 2 * sizeof *field);
    for (int32_t i = 0; i < count; i++) {
        const dv_mv *m = &mvs[i];
        dv_block b;
        if (!dv_block_of(m->source, m->w, m->h, m->src_x, m->src_y, m->dst_x, m->dst_y, w, h, &b)) continue;
        for (int y = b.y0; y < b.y1; y++) {
            int16_t *row = field + (size_t)y * w * 2;
            for (int x = b.x0; x < b.x1; x++) {
                row[2 * x] = b.vx;
                row[2 * x + 1] = b.vy;
            }
        }
    }
    return 0;
}

/* The largest power of two up to 16 dividing every block edge that lies inside the frame. */
static int dv_grid_cell(const AVMotionVector *mvs, size_t count, int w, int h)
{
    unsigned edges = 0;
    for (size_t i = 0; i < count; i++) {
        const AVMotionVector *m = &mvs[i];
        dv_block b;
        if (!dv_block_of(m->source, m->w, m->h, m->src_x, m->src_y, m->dst_x, m->dst_y, w, h, &b)) continue;
        edges |= (unsigned)b.x0 | (unsigned)b.y0 | (b.x1 < w ? (unsigned)b.x1 : 0u) | (b.y1 < h ? (unsigned)b.y1 : 0u);
    }
    int cell = 16;
    while (cell > 1 && (edges & (unsigned)(cell - 1))) cell >>= 1;
    return cell;
}

/* Lays the frame's vectors on g's cells (reusing g's memory); DV_ENOMEM when the grid cannot be allocated. */
int dv_grid_build(dv_grid *g, const AVMotionVector *mvs, size_t count, int w, int h)
{
    g->cell = dv_grid_cell(mvs, count, w, h);
    g->cols = (w + g->cell - 1) / g->cell;
    g->rows = (h + g->cell - 1) / g->cell;
    size_t need = (size_t)g->cols * g->rows * 2;
    if (need > g->capacity) {
        int16_t *grown = realloc(g->vectors, need * sizeof *grown);
        if (!grown) return DV_ENOMEM;
        g->vectors = grown;
        g->capacity = need;
    }
    memset(g->vectors, 0, need * sizeof *g->vectors);
    for (size_t i = 0; i < count; i++) {
        const AVMotionVector *m = &mvs[i];
        dv_block b;
        if (!dv_block_of(m->source, m->w, m->h, m->src_x, m->src_y, m->dst_x, m->dst_y, w, h, &b)) continue;
        int c0 = b.x0 / g->cell, c1 = (b.x1 + g->cell - 1) / g->cell;
        int r0 = b.y0 / g->cell, r1 = (b.y1 + g->cell - 1) / g->cell;
        for (int row = r0; row < r1; row++) {
            int16_t *v = g->vectors + ((size_t)row * g->cols) * 2;
            for (int c = c0; c < c1; c++) {
                v[2 * c] = b.vx;
                v[2 * c + 1] = b.vy;
            }
        }
    }
    return 0;
}

void dv_grid_free(dv_grid *g)
{
    free(g->vectors);
    g->vectors = NULL;
    g->capacity = 0;
}
