/*
 * distill_video: a flat C API over FFmpeg for the compressed-domain video reader of
 * "Multi-teacher Knowledge Distillation for Compressed Video Action Recognition" (CoViAR-style streams).
 *
 * Decoding: dv_open / dv_next / dv_rgb / dv_mvs / dv_error / dv_close. Motion vectors come from the decoder
 * itself (flags2=+export_mvs, AV_FRAME_DATA_MOTION_VECTORS side data), so no motion estimation happens here.
 * Per-pixel stream work: dv_rasterise, dv_predict, dv_residual, dv_accumulate, and the fused fast paths
 * dv_p_streams (RGB + field + residual of the current P-frame in one call) and dv_predict_residual.
 *
 * Motion-vector field convention (CoViAR's): field(p) = dst - src in whole pixels for the block covering p,
 * i.e. the displacement of the content from the reference frame to the current frame. A patch that moves
 * right by 3 pixels per frame has field x = +3. The prediction of pixel p is ref(p - field(p)).
 *
 * Every entry point validates its pointers and sizes and returns a negative code instead of crashing;
 * decode failures carry a message readable through dv_error.
 *
 * Memory: with +export_mvs the decoder allocates and frees a ~100 KiB side-data buffer per frame; with glibc's
 * defaults that buffer sits at the heap top, so every free trims the heap (brk) and the next frame faults the pages
 * back in, a fifth of the reader's CPU time. The first dv_open therefore fixes glibc's mmap threshold at 32 MiB and
 * its trim threshold at 64 MiB, the state glibc's own dynamic threshold reaches once a 32 MiB block has been freed,
 * unless the process set either itself (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/motion_vector.h>
#include <libswscale/swscale.h>

#define DV_EXPORT __attribute__((visibility("default")))
#define DV_MAX_SIDE 16384

enum {
    DV_FRAME = 1, DV_END = 0,
    DV_EARG = -1, DV_EOPEN = -2, DV_ENOSTREAM = -3, DV_ECODEC = -4, DV_EDEMUX = -5,
    DV_EDECODE = -6, DV_ENOMEM = -7, DV_ESIZE = -8, DV_ETRUNCATED = -9, DV_ESTATE = -10
};

/* One block's vector as AVMotionVector describes it (flattened to fixed-width fields). */
typedef struct {
    int32_t source, w, h, src_x, src_y, dst_x, dst_y, motion_x, motion_y, motion_scale;
    int64_t flags;
} dv_mv;

/* What dv_next reports about the frame it decoded. pict_type: 1 = I, 2 = P, 3 = B (AVPictureType). */
typedef struct {
    int32_t index, pict_type, key_frame, width, height, mv_count;
    int64_t packet_pos;
} dv_frame_info;

typedef struct dv_reader {
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *sws;
    int stream, eof_sent, have_frame, failed;
    int64_t frames_out, declared_frames, last_pos;
    char err[768];
} dv_reader;

static _Thread_local char dv_last_log[256];

static void dv_log(void *avcl, int level, const char *fmt, va_list vl)
{
    if (level > AV_LOG_ERROR) return;
    int print_prefix = 1;
    char line[256];
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n > 0) memcpy(dv_last_log, line, n + 1);
}

static pthread_once_t dv_malloc_once = PTHREAD_ONCE_INIT;

static void dv_tune_malloc(void)
{
#ifdef __GLIBC__
    if (getenv("MALLOC_MMAP_THRESHOLD_") || getenv("MALLOC_TRIM_THRESHOLD_") || getenv("GLIBC_TUNABLES")) return;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

static int dv_fail(dv_reader *r, int code, const char *fmt, ...)
{
    va_list vl;
    va_start(vl, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, vl);
    va_end(vl);
    if (dv_last_log[0]) {
        size_t n = strlen(r->err);
        snprintf(r->err + n, sizeof r->err - n, " (ffmpeg: %s)", dv_last_log);
    }
    r->failed = code;
    return code;
}

static const char *dv_averr(int code, char *buf, size_t len)
{
    av_strerror(code, buf, len);
    return buf;
}

DV_EXPORT int dv_open(const char *path, int threads, dv_reader **out)
{
    char eb[128];
    if (!out) return DV_EARG;
    *out = NULL;
    dv_reader *r = calloc(1, sizeof *r);
    if (!r) return DV_ENOMEM;
    *out = r;
    r->stream = -1;
    dv_last_log[0] = 0;
    pthread_once(&dv_malloc_once, dv_tune_malloc);
    av_log_set_callback(dv_log);
    if (!path) return dv_fail(r, DV_EARG, "no path given");
    if (threads < 0 || threads > 64) return dv_fail(r, DV_EARG, "thread count %d is outside 0..64", threads);

    int ret = avformat_open_input(&r->fmt, path, NULL, NULL);
    if (ret < 0) return dv_fail(r, DV_EOPEN, "cannot open: %s", dv_averr(ret, eb, sizeof eb));
    ret = avformat_find_stream_info(r->fmt, NULL);
    if (ret < 0) return dv_fail(r, DV_EOPEN, "cannot read stream information: %s", dv_averr(ret, eb, sizeof eb));

    const AVCodec *codec = NULL;
    ret = av_find_best_stream(r->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (ret < 0 || !codec) return dv_fail(r, DV_ENOSTREAM, "no decodable video stream");
    r->stream = ret;
    AVStream *st = r->fmt->streams[r->stream];
    r->declared_frames = st->nb_frames;

    r->dec = avcodec_alloc_context3(codec);
    if (!r->dec) return dv_fail(r, DV_ENOMEM, "out of memory for the decoder");
    ret = avcodec_parameters_to_context(r->dec, st->codecpar);
    if (ret < 0) return dv_fail(r, DV_ECODEC, "bad codec parameters: %s", dv_averr(ret, eb, sizeof eb));
    r->dec->thread_count = threads;

    AVDictionary *opts = NULL;
    av_dict_set(&opts, "flags2", "+export_mvs", 0);
    av_dict_set(&opts, "err_detect", "+explode", 0);
    ret = avcodec_open2(r->dec, codec, &opts);
    av_dict_free(&opts);
    if (ret < 0) return dv_fail(r, DV_ECODEC, "cannot open the %s decoder: %s", codec->name, dv_averr(ret, eb, sizeof eb));

    r->pkt = av_packet_alloc();
    r->frame = av_frame_alloc();
    if (!r->pkt || !r->frame) return dv_fail(r, DV_ENOMEM, "out of memory for packets/frames");
    return 0;
}

DV_EXPORT const char *dv_codec_name(dv_reader *r)
{
    return r && r->dec && r->dec->codec ? r->dec->codec->name : "";
}

DV_EXPORT int64_t dv_declared_frames(dv_reader *r)
{
    return r ? r->declared_frames : -1;
}

/* Sends the next packet of the video stream to the decoder (or the end-of-stream flush). */
static int dv_feed(dv_reader *r)
{
    char eb[128];
    for (;;) {
        int ret = av_read_frame(r->fmt, r->pkt);
        if (ret == AVERROR_EOF) {
            r->eof_sent = 1;
            ret = avcodec_send_packet(r->dec, NULL);
            return ret < 0 ? dv_fail(r, DV_EDECODE, "flushing the decoder failed: %s", dv_averr(ret, eb, sizeof eb)) : 0;
        }
        if (ret < 0)
            return dv_fail(r, DV_EDEMUX, "reading the packet after byte offset %lld failed: %s",
                           (long long)r->last_pos, dv_averr(ret, eb, sizeof eb));
        if (r->pkt->stream_index != r->stream) {
            av_packet_unref(r->pkt);
            continue;
        }
        int64_t pos = r->pkt->pos;
        int corrupt = (r->pkt->flags & AV_PKT_FLAG_CORRUPT) != 0;
        if (!corrupt) ret = avcodec_send_packet(r->dec, r->pkt);
        av_packet_unref(r->pkt);
        if (corrupt)
            return dv_fail(r, DV_ETRUNCATED, "the packet at byte offset %lld is truncated or corrupt", (long long)pos);
        r->last_pos = pos;
        if (ret < 0)
            return dv_fail(r, DV_EDECODE, "decoding the packet at byte offset %lld failed: %s",
                           (long long)pos, dv_averr(ret, eb, sizeof eb));
        return 0;
    }
}

DV_EXPORT int dv_next(dv_reader *r, dv_frame_info *info)
{
    char eb[128];
    if (!r || !info) return DV_EARG;
    if (r->failed) return r->failed;
    if (!r->dec) return dv_fail(r, DV_ESTATE, "the reader is not open");
    r->have_frame = 0;
    av_frame_unref(r->frame);
    for (;;) {
        int ret = avcodec_receive_frame(r->dec, r->frame);
        if (ret == 0) break;
        if (ret == AVERROR_EOF) {
            if (r->declared_frames > 0 && r->frames_out < r->declared_frames)
                return dv_fail(r, DV_ETRUNCATED, "the container declares %lld frames but only %lld decoded (truncated file?)",
                               (long long)r->declared_frames, (long long)r->frames_out);
            return DV_END;
        }
        if (ret != AVERROR(EAGAIN))
            return dv_fail(r, DV_EDECODE, "decoding frame %lld failed: %s", (long long)r->frames_out, dv_averr(ret, eb, sizeof eb));
        if (r->eof_sent) return dv_fail(r, DV_EDECODE, "the decoder stalled after the end of the stream");
        if ((ret = dv_feed(r)) < 0) return ret;
    }
    AVFrame *f = r->frame;
    if (f->decode_error_flags || (f->flags & AV_FRAME_FLAG_CORRUPT))
        return dv_fail(r, DV_EDECODE, "frame %lld (packet near byte offset %lld) is corrupt", (long long)r->frames_out, (long long)r->last_pos);
    if (f->width <= 0 || f->height <= 0 || f->width > DV_MAX_SIDE || f->height > DV_MAX_SIDE)
        return dv_fail(r, DV_ESIZE, "frame %lld has an invalid size %dx%d", (long long)r->frames_out, f->width, f->height);
    const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_MOTION_VECTORS);
    size_t count = sd && sd->data ? sd->size / sizeof(AVMotionVector) : 0;
    if (count > INT32_MAX) return dv_fail(r, DV_ESIZE, "frame %lld has too many motion vectors", (long long)r->frames_out);
    info->index = (int32_t)r->frames_out;
    info->pict_type = f->pict_type;
#ifdef AV_FRAME_FLAG_KEY /* FFmpeg >= 6.1; the key_frame field is deprecated there */
    info->key_frame = (f->flags & AV_FRAME_FLAG_KEY) != 0;
#else
    info->key_frame = f->key_frame;
#endif
    info->width = f->width;
    info->height = f->height;
    info->mv_count = (int32_t)count;
    info->packet_pos = r->last_pos;
    r->frames_out++;
    r->have_frame = 1;
    return DV_FRAME;
}

/* Converts the current frame to packed RGB24 (height x width x 3) into dst, which holds len bytes. */
DV_EXPORT int dv_rgb(dv_reader *r, uint8_t *dst, int64_t len)
{
    if (!r || !dst) return DV_EARG;
    if (!r->have_frame) return dv_fail(r, DV_ESTATE, "no decoded frame to convert");
    AVFrame *f = r->frame;
    if (len < (int64_t)f->width * f->height * 3) return DV_ESIZE;
    r->sws = sws_getCachedContext(r->sws, f->width, f->height, f->format, f->width, f->height,
                                  AV_PIX_FMT_RGB24, SWS_BILINEAR, NULL, NULL, NULL);
    if (!r->sws) return dv_fail(r, DV_ECODEC, "no conversion from pixel format %d to RGB24", f->format);
    uint8_t *planes[4] = {dst, NULL, NULL, NULL};
    int strides[4] = {f->width * 3, 0, 0, 0};
    int rows = sws_scale(r->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
    return rows == f->height ? 0 : dv_fail(r, DV_ECODEC, "RGB conversion wrote %d of %d rows", rows, f->height);
}

/* Copies the current frame's motion vectors (at most cap) into dst; returns how many were copied. */
DV_EXPORT int dv_mvs(dv_reader *r, dv_mv *dst, int32_t cap)
{
    if (!r || (cap > 0 && !dst) || cap < 0) return DV_EARG;
    if (!r->have_frame) return dv_fail(r, DV_ESTATE, "no decoded frame to read vectors from");
    const AVFrameSideData *sd = av_frame_get_side_data(r->frame, AV_FRAME_DATA_MOTION_VECTORS);
    if (!sd || !sd->data) return 0;
    const AVMotionVector *mvs = (const AVMotionVector *)sd->data;
    size_t count = sd->size / sizeof *mvs;
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

DV_EXPORT const char *dv_error(dv_reader *r)
{
    return r ? r->err : "no reader";
}

DV_EXPORT void dv_close(dv_reader *r)
{
    if (!r) return;
    sws_freeContext(r->sws);
    av_frame_free(&r->frame);
    av_packet_free(&r->pkt);
    avcodec_free_context(&r->dec);
    avformat_close_input(&r->fmt);
    free(r);
}

/* ---- per-pixel stream work: fields are height x width x 2 (x, y), images height x width x 3 ---- */

static int dv_size_ok(int w, int h)
{
    return w > 0 && h > 0 && w <= DV_MAX_SIDE && h <= DV_MAX_SIDE;
}

static inline int dv_clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Rasterises the past-reference vectors (source < 0) of one frame into a field at frame resolution:
 * every pixel of a block's destination rectangle gets (dst_x - src_x, dst_y - src_y); pixels no vector
 * covers (intra blocks) get 0. Blocks with implausible sizes (outside 1..64) are ignored.
 */
DV_EXPORT int dv_rasterise(const dv_mv *mvs, int32_t count, int32_t w, int32_t h, int16_t *field)
{
    if (!field || count < 0 || (count > 0 && !mvs) || !dv_size_ok(w, h)) return DV_EARG;
    memset(field, 0, (size_t)w * h * 2 * sizeof *field);
    for (int32_t i = 0; i < count; i++) {
        const dv_mv *m = &mvs[i];
        if (m->source >= 0 || m->w < 1 || m->w > 64 || m->h < 1 || m->h > 64) continue;
        int vx = dv_clamp(m->dst_x - m->src_x, -DV_MAX_SIDE, DV_MAX_SIDE);
        int vy = dv_clamp(m->dst_y - m->src_y, -DV_MAX_SIDE, DV_MAX_SIDE);
        int x0 = dv_clamp(m->dst_x - m->w / 2, 0, w), x1 = dv_clamp(m->dst_x - m->w / 2 + m->w, 0, w);
        int y0 = dv_clamp(m->dst_y - m->h / 2, 0, h), y1 = dv_clamp(m->dst_y - m->h / 2 + m->h, 0, h);
        for (int y = y0; y < y1; y++) {
            int16_t *row = field + ((size_t)y * w) * 2;
            for (int x = x0; x < x1; x++) {
                row[2 * x] = (int16_t)vx;
                row[2 * x + 1] = (int16_t)vy;
            }
        }
    }
    return 0;
}

/* Motion-compensated prediction: pred(p) = ref(clamp(p - field(p))), the frame border repeated outward. */
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
 * CoViAR accumulation back to the GOP's I-frame: with q = clamp(p - field(p)),
 * acc(p) = (p - q) + acc_prev(q), which is field(p) + acc_prev(p - field(p)) whenever the source lies inside
 * the frame. p - acc(p) is the I-frame pixel that p traces back to. acc_prev is all zeros at the I-frame.
 */
DV_EXPORT int dv_accumulate(const int16_t *acc_prev, const int16_t *field, int32_t w, int32_t h, int16_t *acc)
{
    if (!acc_prev || !field || !acc || acc == acc_prev || !dv_size_ok(w, h)) return DV_EARG;
    for (int y = 0; y < h; y++) {
        const int16_t *f = field + (size_t)y * w * 2;
        int16_t *o = acc + (size_t)y * w * 2;
        for (int x = 0; x < w; x++) {
            int qx = dv_clamp(x - f[2 * x], 0, w - 1), qy = dv_clamp(y - f[2 * x + 1], 0, h - 1);
            const int16_t *a = acc_prev + ((size_t)qy * w + qx) * 2;
            o[2 * x] = (int16_t)dv_clamp(x - qx + a[0], -DV_MAX_SIDE, DV_MAX_SIDE);
            o[2 * x + 1] = (int16_t)dv_clamp(y - qy + a[1], -DV_MAX_SIDE, DV_MAX_SIDE);
        }
    }
    return 0;
}


/* The block rectangle rasterise assigns to a vector, clipped to the frame; 0 when the vector is skipped. */
static int dv_block_rect(const AVMotionVector *m, int w, int h, int *x0, int *x1, int *y0, int *y1)
{
    if (m->source >= 0 || m->w < 1 || m->w > 64 || m->h < 1 || m->h > 64) return 0;
    *x0 = dv_clamp(m->dst_x - m->w / 2, 0, w);
    *x1 = dv_clamp(m->dst_x - m->w / 2 + m->w, 0, w);
    *y0 = dv_clamp(m->dst_y - m->h / 2, 0, h);
    *y1 = dv_clamp(m->dst_y - m->h / 2 + m->h, 0, h);
    return *x0 < *x1 && *y0 < *y1;
}

/* residual over rows y0..y1, columns x0..x1 for one constant vector (vx, vy): cur(p) - ref(clamp(p - v)). */
static void dv_block_residual(const uint8_t *restrict ref, const uint8_t *restrict cur, int w, int h,
                              int x0, int x1, int y0, int y1, int vx, int vy, int16_t *restrict residual)
{
    int inside = x0 - vx >= 0 && x1 - vx <= w;
    for (int y = y0; y < y1; y++) {
        int sy = dv_clamp(y - vy, 0, h - 1);
        const uint8_t *c = cur + ((size_t)y * w + x0) * 3;
        int16_t *o = residual + ((size_t)y * w + x0) * 3;
        if (inside) {
            const uint8_t *s = ref + ((size_t)sy * w + x0 - vx) * 3;
            int n = (x1 - x0) * 3;
            for (int i = 0; i < n; i++) o[i] = (int16_t)((int)c[i] - (int)s[i]);
        } else {
            for (int x = x0; x < x1; x++) {
                const uint8_t *s = ref + ((size_t)sy * w + dv_clamp(x - vx, 0, w - 1)) * 3;
                int16_t *ox = o + (size_t)(x - x0) * 3;
                const uint8_t *cx = c + (size_t)(x - x0) * 3;
                ox[0] = (int16_t)((int)cx[0] - (int)s[0]);
                ox[1] = (int16_t)((int)cx[1] - (int)s[1]);
                ox[2] = (int16_t)((int)cx[2] - (int)s[2]);
            }
        }
    }
}

/*
 * The current P-frame's three CoViAR inputs in one pass over the decoder's own buffers: its RGB24 pixels into cur,
 * its past-reference vectors rasterised into field (exactly as dv_rasterise), and residual = cur - dv_predict(ref,
 * field), all height x width. Uncovered pixels predict from the same position (zero vector). Blocks are handled in
 * the decoder's order, so where blocks overlap the later one wins, as in dv_rasterise.
 */
DV_EXPORT int dv_p_streams(dv_reader *r, const uint8_t *ref, uint8_t *cur, int16_t *field, int16_t *residual, int64_t pixels)
{
    if (!r || !ref || !cur || !field || !residual) return DV_EARG;
    if (!r->have_frame) return dv_fail(r, DV_ESTATE, "no decoded frame to extract streams from");
    int w = r->frame->width, h = r->frame->height;
    if (pixels != (int64_t)w * h) return DV_ESIZE;
    int rc = dv_rgb(r, cur, pixels * 3);
    if (rc < 0) return rc;

    /* The field as one 32-bit (x, y) pair per pixel, filled block by block (later blocks win, as dv_rasterise). */
    uint32_t *pairs = (uint32_t *)field;
    memset(field, 0, (size_t)pixels * 2 * sizeof *field);
    const AVFrameSideData *sd = av_frame_get_side_data(r->frame, AV_FRAME_DATA_MOTION_VECTORS);
    size_t count = sd && sd->data ? sd->size / sizeof(AVMotionVector) : 0;
    const AVMotionVector *mvs = count ? (const AVMotionVector *)sd->data : NULL;
    for (size_t i = 0; i < count; i++) {
        const AVMotionVector *m = &mvs[i];
        int x0, x1, y0, y1;
        if (!dv_block_rect(m, w, h, &x0, &x1, &y0, &y1)) continue;
        int16_t v[2] = {(int16_t)dv_clamp(m->dst_x - m->src_x, -DV_MAX_SIDE, DV_MAX_SIDE),
                        (int16_t)dv_clamp(m->dst_y - m->src_y, -DV_MAX_SIDE, DV_MAX_SIDE)};
        uint32_t pair;
        memcpy(&pair, v, sizeof pair);
        for (int y = y0; y < y1; y++) {
            uint32_t *row = pairs + (size_t)y * w;
            for (int x = x0; x < x1; x++) row[x] = pair;
        }
    }

    /* The residual row by row, one run of equal vectors at a time. */
    for (int y = 0; y < h; y++) {
        const uint32_t *row = pairs + (size_t)y * w;
        for (int x = 0; x < w;) {
            uint32_t pair = row[x];
            int end = x + 1;
#ifdef __SSE2__
            const __m128i same = _mm_set1_epi32((int)pair);
            while (end + 4 <= w && _mm_movemask_epi8(_mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(row + end)), same)) == 0xffff)
                end += 4;
#endif
            while (end < w && row[end] == pair) end++;
            int16_t v[2];
            memcpy(v, &row[x], sizeof v);
            dv_block_residual(ref, cur, w, h, x, end, y, y + 1, v[0], v[1], residual);
            x = end;
        }
    }
    return 0;
}

/* residual = cur - ref(clamp(p - field(p))), fused dv_predict + dv_residual for any field (e.g. accumulated ones). */
DV_EXPORT int dv_predict_residual(const uint8_t *ref, const int16_t *field, const uint8_t *cur, int32_t w, int32_t h, int16_t *residual)
{
    if (!ref || !field || !cur || !residual || !dv_size_ok(w, h)) return DV_EARG;
    for (int y = 0; y < h; y++) {
        const int16_t *f = field + (size_t)y * w * 2;
        const uint8_t *c = cur + (size_t)y * w * 3;
        int16_t *o = residual + (size_t)y * w * 3;
        for (int x = 0; x < w; x++) {
            int sx = dv_clamp(x - f[2 * x], 0, w - 1), sy = dv_clamp(y - f[2 * x + 1], 0, h - 1);
            const uint8_t *s = ref + ((size_t)sy * w + sx) * 3;
            o[3 * x] = (int16_t)((int)c[3 * x] - (int)s[0]);
            o[3 * x + 1] = (int16_t)((int)c[3 * x + 1] - (int)s[1]);
            o[3 * x + 2] = (int16_t)((int)c[3 * x + 2] - (int)s[2]);
        }
    }
    return 0;
}
