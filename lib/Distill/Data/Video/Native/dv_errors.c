/* Error reporting: negative codes with a message naming what failed, and the last line FFmpeg logged as an error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "distill_video.h"

static _Thread_local char dv_last_log[256];
static _Thread_local unsigned dv_error_lines;

static void dv_log(void *avcl, int level, const char *fmt, va_list vl)
{
    if (level > AV_LOG_ERROR) return;
    dv_error_lines++;
    int print_prefix = 1;
    char line[256];
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n > 0) memcpy(dv_last_log, line, n + 1);
}

/* Routes FFmpeg's error lines into a per-thread buffer (appended to the next failure's message) instead of stderr. */
void dv_capture_ffmpeg_log(void)
{
    dv_last_log[0] = 0;
    av_log_set_callback(dv_log);
}

/*
 * How many error lines FFmpeg has logged on this thread. A decoder that conceals damage logs it here even where it sets
 * no flag on the frame; the count is exact for single-threaded decoding (frame threads log on their own threads).
 */
unsigned dv_log_errors(void)
{
    return dv_error_lines;
}

int dv_fail(dv_reader *r, int code, const char *fmt, ...)
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

const char *dv_averr(int code, char *buf, size_t len)
{
    av_strerror(code, buf, len);
    return buf;
}

DV_EXPORT const char *dv_error(dv_reader *r)
{
    return r ? r->err : "no reader";
}
