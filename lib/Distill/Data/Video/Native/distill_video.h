/*
 * distill_video: a flat C API over FFmpeg for the compressed-domain video reader of
 * "Multi-teacher Knowledge Distillation for Compressed Video Action Recognition" (CoViAR-style streams,
 * Wu et al., "Compressed Video Action Recognition", CVPR 2018). This header is shared by the shim's files:
 *
 *   dv_errors.c      error codes, messages and FFmpeg's log capture (dv_error)
 *   dv_reader.c      demux + decode with motion-vector export (dv_open, dv_next, dv_close, ...)
 *   dv_yuv420.c      4:2:0 YUV -> packed RGB24, one row (fixed-point BT.601; scalar, SSSE3 and AVX2 variants)
 *   dv_rgb.c         the decoded frame as RGB24: by rows through dv_yuv420.c, other formats through swscale (dv_rgb)
 *   dv_field.c       motion vectors: copy-out (dv_mvs), rasterisation (dv_rasterise) and the block grid
 *   dv_residual.c    motion-compensated prediction and residual (dv_predict, dv_residual, dv_predict_residual)
 *   dv_accumulate.c  CoViAR's accumulation back to the GOP's I-frame (dv_accumulate)
 *   dv_pstreams.c    a P-frame's RGB, field and residual in one pass over its rows (dv_p_streams)
 *
 * Motion-vector field convention (CoViAR's): field(p) = dst - src in whole pixels for the block covering p,
 * i.e. the displacement of the content from the reference frame to the current frame. A patch that moves
 * right by 3 pixels per frame has field x = +3. The prediction of pixel p is ref(p - field(p)), the source
 * clamped to the frame. Fields are height x width x 2 int16 (x, y), images height x width x 3.
 *
 * Every entry point validates its pointers and sizes and returns a negative code instead of crashing;
 * decode failures carry a message readable through dv_error.
 */
#ifndef DISTILL_VIDEO_H
#define DISTILL_VIDEO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/motion_vector.h>

#define DV_EXPORT __attribute__((visibility("default")))
#define DV_MAX_SIDE 16384
/* How many frames a container may declare beyond the packets it holds before the file counts as truncated. */
#define DV_DECLARED_SLACK 2

/*
 * The per-pixel loops get an AVX2 clone beside the baseline (SSE2) one on x86-64; the loader picks the one the CPU
 * runs (GCC/Clang function multi-versioning), so the library still loads on any x86-64 machine.
 */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__)
#define DV_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DV_VECTOR_CLONES
#endif

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

/*
 * What dv_next reports about the frame it decoded. pict_type: 1 = I, 2 = P, 3 = B (AVPictureType). damaged: the
 * decoder flagged the frame (decode_error_flags, AV_FRAME_FLAG_CORRUPT) or logged an error while producing it, i.e.
 * it concealed damage instead of failing (FFmpeg 5.1's msmpeg4 decoder only logs, e.g. "ignoring overflow").
 */
typedef struct {
    int32_t index, pict_type, key_frame, width, height, mv_count, damaged;
    int64_t packet_pos;
} dv_frame_info;

/*
 * A frame's past-reference vectors on a grid of square cells, each cell holding one (x, y) vector packed as two int16
 * (x first). The cell side is the largest power of two up to 16 that every block edge inside the frame is a multiple
 * of (8 for MPEG-4 Part 2, 4 for H.264), so a cell never straddles two blocks.
 */
typedef struct {
    int cell, cols, rows;
    int16_t *vectors; /* rows x cols x 2 */
    size_t capacity;  /* int16 elements allocated */
} dv_grid;

struct SwsContext;

typedef struct dv_reader {
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *sws;
    dv_grid grid;
    uint8_t *rgb_padded; /* swscale's output with a padded stride (dv_rgb.c) */
    size_t rgb_padded_size;
    int stream, eof_sent, eof_counted, have_frame, failed;
    int64_t frames_out, declared_frames, last_pos;
    int64_t packets_in;     /* video packets the decoder accepted */
    int64_t indexed;        /* non-empty packets the container's index (AVI idx1, MP4 sample table) lists at open */
    int64_t index_entries;  /* all its entries; few or none when the demuxer dropped or never found the index */
    int64_t damaged_frames; /* frames flagged or concealed, plus, at the end, packets lost, added or yielding no frame */
    unsigned log_mark;      /* dv_log_errors() when the last frame was handed out */
    char err[768];
} dv_reader;

/* dv_errors.c */
int dv_fail(dv_reader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *dv_averr(int code, char *buf, size_t len);
void dv_capture_ffmpeg_log(void);
unsigned dv_log_errors(void);

/*
 * dv_yuv420.c: one 4:2:0 row (w luma samples, (w + 1) / 2 chroma samples each) as w RGB24 pixels. The planes may be
 * read up to `readable` pixels (>= w; the frame's padding), which lets the last, partial vector step run vectorised.
 */
void dv_yuv420_row(const uint8_t *py, const uint8_t *pu, const uint8_t *pv, int w, int readable, uint8_t *out);

/*
 * dv_rgb.c: the current frame as RGB24. When dv_rgb_by_rows, row y converts on its own (dv_rgb_row); otherwise
 * dv_rgb_whole converts the whole frame into dst (height x width x 3).
 */
int dv_rgb_by_rows(const AVFrame *f);
void dv_rgb_row(const AVFrame *f, int y, uint8_t *row);
int dv_rgb_whole(dv_reader *r, uint8_t *dst);

/* dv_field.c */
typedef struct { int x0, x1, y0, y1; int16_t vx, vy; } dv_block;
const AVMotionVector *dv_frame_vectors(const AVFrame *f, size_t *count);
int dv_grid_build(dv_grid *g, const AVMotionVector *mvs, size_t count, int w, int h);
void dv_grid_free(dv_grid *g);

static inline int dv_clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static inline int dv_size_ok(int w, int h)
{
    return w > 0 && h > 0 && w <= DV_MAX_SIDE && h <= DV_MAX_SIDE;
}

/* The end of the run of pixels from x on whose (x, y) pairs in the field row f equal pixel x's; 4 pairs at a time. */
static inline int dv_run_end(const int16_t *f, int x, int w)
{
    uint32_t pair;
    memcpy(&pair, f + 2 * x, sizeof pair);
    int end = x + 1;
#ifdef __SSE2__
    const __m128i same = _mm_set1_epi32((int)pair);
    while (end + 4 <= w && _mm_movemask_epi8(_mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(f + 2 * end)), same)) == 0xffff)
        end += 4;
#endif
    for (;;) {
        uint32_t next;
        if (end >= w) break;
        memcpy(&next, f + 2 * end, sizeof next);
        if (next != pair) break;
        end++;
    }
    return end;
}

/*
 * The block a vector covers, clipped to the w x h frame, with its field value (dst - src); 0 when the vector does not
 * count or its block lies outside the frame. The block is centred on (dst_x, dst_y) as FFmpeg describes it.
 */
static inline int dv_block_of(int source, int bw, int bh, int src_x, int src_y, int dst_x, int dst_y, int w, int h, dv_block *b)
{
    if (source >= 0 || bw < 1 || bw > 64 || bh < 1 || bh > 64) return 0;
    b->x0 = dv_clamp(dst_x - bw / 2, 0, w);
    b->x1 = dv_clamp(dst_x - bw / 2 + bw, 0, w);
    b->y0 = dv_clamp(dst_y - bh / 2, 0, h);
    b->y1 = dv_clamp(dst_y - bh / 2 + bh, 0, h);
    b->vx = (int16_t)dv_clamp(dst_x - src_x, -DV_MAX_SIDE, DV_MAX_SIDE);
    b->vy = (int16_t)dv_clamp(dst_y - src_y, -DV_MAX_SIDE, DV_MAX_SIDE);
    return b->x0 < b->x1 && b->y0 < b->y1;
}

#endif
