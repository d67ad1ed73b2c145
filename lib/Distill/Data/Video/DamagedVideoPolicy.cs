namespace Distill.Data.Video;

/// <summary>
/// What to do with a video that decodes only because FFmpeg concealed damage (frames flagged corrupt, errors logged
/// while decoding, packets that yielded no frame): see <see cref="CompressedVideoReader.DamagedFrames"/>.
/// </summary>
public enum DamagedVideoPolicy
{
    /// <summary>Leave the video out, listed with the reason (the loaders' default).</summary>
    Skip,

    /// <summary>Throw a <see cref="VideoDecodeException"/> naming the file.</summary>
    Fail,

    /// <summary>Use the concealed frames as decoded.</summary>
    Accept,
}

public static class DamagedVideoPolicyExtensions
{
    /// <summary>
    /// Judges an indexed video: null when it may be used (clean, or damaged and accepted), the failure to list when it
    /// is skipped; a <see cref="VideoDecodeException"/> when the policy is <see cref="DamagedVideoPolicy.Fail"/>.
    /// </summary>
    public static VideoFailure? Judge(this DamagedVideoPolicy policy, VideoIndex index)
    {
        if (index.DamagedFrames == 0 || policy == DamagedVideoPolicy.Accept) return null;
        var reason = index.DamageText;
        return policy == DamagedVideoPolicy.Fail ? throw new VideoDecodeException(index.Path, reason) : new VideoFailure(index.Path, reason);
    }
}
