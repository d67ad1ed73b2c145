using System.Globalization;

namespace DataPrep.Video;

/// <summary>
/// The MPEG-4 Part 2 encoding CoViAR (Wu et al., Compressed Video Action Recognition, CVPR 2018) trains on:
/// frames scaled to 340x256 with square pixels, quantiser 1 (-q:v 1), a GOP of 12 frames and no B-frames, so every
/// GOP is one I-frame followed by 11 P-frames. CoViAR's data/reencode.sh relies on the mpeg4 encoder's defaults
/// for GOP and B-frames and writes a raw elementary stream; here both are set explicitly, scene-change I-frames
/// are switched off (CoViAR's loader assumes GOP k starts at frame 12k), audio is dropped, and the stream is
/// written into an MP4 container so its frame count can be checked without decoding. The bitstream is the same.
/// </summary>
public sealed record Mpeg4Encoding(int Width = 340, int Height = 256, int Quantiser = 1, int Gop = 12)
{
    /// <summary>Validates the settings (MPEG-4 Part 2 needs even dimensions).</summary>
    public Mpeg4Encoding Checked()
    {
        if (Width < 16 || Height < 16 || Width % 2 != 0 || Height % 2 != 0)
            throw new ArgumentException($"frame size {Width}x{Height} must be even and at least 16x16");
        if (Quantiser is < 1 or > 31) throw new ArgumentException($"quantiser {Quantiser} must be in 1..31");
        if (Gop < 1) throw new ArgumentException($"GOP length {Gop} must be at least 1");
        return this;
    }

    /// <summary>ffmpeg's output options for this encoding, from the video filter to the container.</summary>
    public IEnumerable<string> OutputArguments(bool scale) =>
    [
        "-an", "-sn", "-dn",
        .. scale ? (string[])["-vf", $"scale={Width}:{Height},setsar=1:1"] : [],
        "-c:v", "mpeg4", "-q:v", Quantiser.ToString(CultureInfo.InvariantCulture),
        "-g", Gop.ToString(CultureInfo.InvariantCulture), "-bf", "0", "-sc_threshold", "1000000000",
        "-threads", "1", "-f", "mp4",
    ];

    /// <summary>True when <paramref name="info"/> is a finished output of this encoding.</summary>
    public bool IsComplete(VideoStreamInfo? info) =>
        info is { Codec: "mpeg4", Frames: > 0 } && info.Width == Width && info.Height == Height;
}
