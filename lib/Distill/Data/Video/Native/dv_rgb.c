/*
 * The decoded frame as packed RGB24. 4:2:0 frames (everything MPEG-4 Part 2 produces) go through the shim's own
 * converter (dv_yuv420.c) a row at a time, so the fused P-frame pass can use each row while it is in cache; other
 * pixel formats go through swscale (BT.601, FFmpeg's default), whole.
 *
 * swscale's vector converters work in groups of 8 pixels and need the destination stride to cover whole groups: with
 * a tight stride (width * 3, width not a multiple of 8) they leave the last width % 8 pixels of every row unwritten
 * (FFmpeg 5.1, x86) or spill past the last row. swscale therefore writes into a reader-owned image with a padded
 * stride, and the rows are copied out exactly.
 */
#include <stdlib.h>
#include <string.h>

#include <libswscale/swscale.h>

#include "distill_video.h"

int dv_rgb_by_rows(const AVFrame *f)
{
    return f->format == AV_PIX_FMT_YUV420P && f->linesize[0] > 0 && f->linesize[1] > 0 && f->linesize[2] > 0;
}

/* Pixels each row of the frame's planes can be read up to: the line sizes, which FFmpeg pads past the width. */
static int dv_readable(const AVFrame *f)
{
    int n = f->linesize[0], c = 2 * (f->linesize[1] < f->linesize[2] ? f->linesize[1] : f->linesize[2]);
    return n < c ? n : c;
}

void dv_rgb_row(const AVFrame *f, int y, uint8_t *row)
{
    dv_yuv420_row(f->data[0] + (ptrdiff_t)y * f->linesize[0], f->data[1] + (ptrdiff_t)(y / 2) * f->linesize[1],
                  f->data[2] + (ptrdiff_t)(y / 2) * f->linesize[2], f->width, dv_readable(f), row);
}

int dv_rgb_whole(dv_reader *r, uint8_t *dst)
{
    AVFrame *f = r->frame;
    int w = f->width, h = f->height;
    r->sws = sws_getCachedContext(r->sws, w, h, f->format, w, h, AV_PIX_FMT_RGB24, SWS_BILINEAR, NULL, NULL, NULL);
    if (!r->sws) return dv_fail(r, DV_ECODEC, "no conversion from pixel format %d to RGB24", f->format);
    size_t row = (size_t)w * 3, stride = (row + 64 + 63) & ~(size_t)63;
    size_t need = stride * (h + 1);
    if (need > r->rgb_padded_size) {
        uint8_t *grown = realloc(r->rgb_padded, need);
        if (!grown) return dv_fail(r, DV_ENOMEM, "out of memory for RGB conversion of a %dx%d frame", w, h);
        r->rgb_padded = grown;
        r->rgb_padded_size = need;
    }
    uint8_t *out[4] = {r->rgb_padded, NULL, NULL, NULL};
    int strides[4] = {(int)stride, 0, 0, 0};
    int rows = sws_scale(r->sws, (const uint8_t *const *)f->data, f->linesize, 0, h, out, strides);
    if (rows != h) return dv_fail(r, DV_ECODEC, "RGB conversion wrote %d of %d rows", rows, h);
    for (int y = 0; y < h; y++) memcpy(dst + (size_t)y * row, r->rgb_padded + (size_t)y * stride, row);
    return 0;
}

/* Converts the current frame to packed RGB24 (height x width x 3) into dst, which holds len bytes. */
DV_EXPORT int dv_rgb(dv_reader *r, uint8_t *dst, int64_t len)
{
    if (!r || !dst) return DV_EARG;
    if (!r->have_frame) return dv_fail(r, DV_ESTATE, "no decoded frame to convert");
    const AVFrame *f = r->frame;
    if (len < (int64_t)f->width * f->height * 3) return DV_ESIZE;
    if (!dv_rgb_by_rows(f)) return dv_rgb_whole(r, dst);
    for (int y = 0; y < f->height; y++) dv_rgb_row(f, y, dst + (size_t)y * f->width * 3);
    return 0;
}
