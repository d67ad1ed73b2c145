namespace Distill.Data.Video;

/// <summary>A video file that cannot be read: missing, truncated, corrupt or not a video. The message names the file.</summary>
public sealed class VideoDecodeException(string path, string detail, int code = 0)
    : IOException($"{path}: {detail}")
{
    /// <summary>The file that failed.</summary>
    public string Path { get; } = path;

    /// <summary>What was wrong, without the file name.</summary>
    public string Detail { get; } = detail;

    /// <summary>The native shim's error code (negative), or 0 for errors found in managed code.</summary>
    public int Code { get; } = code;
}

/// <summary>The native FFmpeg shim is not built or cannot load; the message says which apt packages to install.</summary>
public sealed class VideoBackendUnavailableException : InvalidOperationException
{
    public VideoBackendUnavailableException(string message) : base(message) { }
    public VideoBackendUnavailableException(string message, Exception inner) : base(message, inner) { }
}
