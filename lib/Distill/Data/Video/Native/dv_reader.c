/*
 * Demux + decode: opens a file, feeds its video packets to FFmpeg's decoder with motion-vector export
 * (flags2=+export_mvs, AV_FRAME_DATA_MOTION_VECTORS side data; no motion estimation happens here) and hands out
 * decoded frames one at a time, with clear errors for damaged or truncated files.
 *
 * Memory: with +export_mvs the decoder allocates and frees a ~100 KiB side-data buffer per frame; with glibc's
 * defaults that buffer sits at the heap top, so every free trims the heap (brk) and the next frame faults the pages
 * back in, a fifth of the reader's CPU time. The first dv_open therefore fixes glibc's mmap threshold at 32 MiB and
 * its trim threshold at 64 MiB, the state glibc's own dynamic threshold reaches once a 32 MiB block has been freed,
 * unless the process set either itself (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES).
 */
#include <pthread.h>
#include <stdlib.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <libswscale/swscale.h>

#include "distill_video.h"

static pthread_once_t dv_malloc_once = PTHREAD_ONCE_INIT;

static void dv_tune_malloc(void)
{
#ifdef __GLIBC__
    if (getenv("MALLOC_MMAP_THRESHOLD_") || getenv("MALLOC_TRIM_THRESHOLD_") || getenv("GLIBC_TUNABLES")) return;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
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
    pthread_once(&dv_malloc_once, dv_tune_malloc);
    dv_capture_ffmpeg_log();
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
    /* Empty index entries are frames the muxer dropped on purpose (ffmpeg's AVI muxer writes one per timestamp gap). */
    r->index_entries = avformat_index_get_entries_count(st);
    for (int i = 0; i < r->index_entries; i++) {
        const AVIndexEntry *e = avformat_index_get_entry(st, i);
        if (e && e->size > 0) r->indexed++;
    }

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
    r->log_mark = dv_log_errors(); /* what the demuxer and the stream probe logged is not a decoded frame's damage */
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

DV_EXPORT int64_t dv_damaged_frames(dv_reader *r)
{
    return r ? r->damaged_frames : -1;
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
        r->packets_in++;
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
            /* The container's count is a hint (muxers count empty chunks, e.g. ffmpeg's AVI for timestamp gaps): the
               packets are the truth, and only a shortfall beyond DV_DECLARED_SLACK says the file lost data. */
            if (r->declared_frames > 0 && r->packets_in < r->declared_frames - DV_DECLARED_SLACK)
                return dv_fail(r, DV_ETRUNCATED, "the container declares %lld frames but only %lld packets were read (truncated file?)",
                               (long long)r->declared_frames, (long long)r->packets_in);
            if (!r->eof_counted) {
                /* Packets that yielded no frame, and packets lost or added against what the container says it holds:
                   its index where that covers the declared count (ffmpeg's AVI muxer counts empty chunks for timestamp
                   gaps in the header but indexes only real packets), else the declared count itself (a damaged AVI
                   whose index the demuxer dropped, or a truncated one that lost it with its tail). The demuxer resyncs
                   silently past a damaged chunk header, so a lost packet shows nowhere else. */
                int index_covers = r->index_entries >= r->declared_frames - DV_DECLARED_SLACK;
                int64_t expected = r->declared_frames <= 0 ? r->packets_in : index_covers ? r->indexed : r->declared_frames;
                if (r->packets_in > r->frames_out) r->damaged_frames += r->packets_in - r->frames_out;
                r->damaged_frames += expected > r->packets_in ? expected - r->packets_in : r->packets_in - expected;
                r->eof_counted = 1;
            }
            return DV_END;
        }
        if (ret != AVERROR(EAGAIN))
            return dv_fail(r, DV_EDECODE, "decoding frame %lld failed: %s", (long long)r->frames_out, dv_averr(ret, eb, sizeof eb));
        if (r->eof_sent) return dv_fail(r, DV_EDECODE, "the decoder stalled after the end of the stream");
        if ((ret = dv_feed(r)) < 0) return ret;
    }
    AVFrame *f = r->frame;
    unsigned logged = dv_log_errors();
    int damaged = f->decode_error_flags || (f->flags & AV_FRAME_FLAG_CORRUPT) || logged != r->log_mark;
    r->log_mark = logged;
    r->damaged_frames += damaged;
    if (!dv_size_ok(f->width, f->height))
        return dv_fail(r, DV_ESIZE, "frame %lld has an invalid size %dx%d", (long long)r->frames_out, f->width, f->height);
    size_t count;
    dv_frame_vectors(f, &count);
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
    info->damaged = damaged;
    info->packet_pos = r->last_pos;
    r->frames_out++;
    r->have_frame = 1;
    return DV_FRAME;
}

DV_EXPORT void dv_close(dv_reader *r)
{
    if (!r) return;
    sws_freeContext(r->sws);
    dv_grid_free(&r->grid);
    free(r->rgb_padded);
    av_frame_free(&r->frame);
    av_packet_free(&r->pkt);
    avcodec_free_context(&r->dec);
    avformat_close_input(&r->fmt);
    free(r);
}
