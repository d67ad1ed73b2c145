using System.Globalization;

namespace Distill.Data.Video;

/// <summary>
/// A video's motion vectors as CSV, one row per block exactly as FFmpeg's AVMotionVector describes it, for inspecting
/// what CoViAR's motion-vector stream (Wu et al., CVPR 2018) is built from: frame (decode order), pict_type, source
/// (-1 past reference, +1 future), block w/h, src x/y (centre of the match in the reference frame), dst x/y (centre of
/// the block in this frame), motion_x/motion_y/motion_scale (sub-pixel src - dst) and flags. I-frames have no rows.
/// </summary>
public static class MotionVectorCsv
{
    public const string Header = "frame,pict_type,source,w,h,src_x,src_y,dst_x,dst_y,motion_x,motion_y,motion_scale,flags";

    /// <summary>
    /// Decodes <paramref name="path"/> and writes its CSV; returns the number of frames and vector rows, and how many
    /// frames the decoder flagged, concealed or dropped (<see cref="CompressedVideoReader.DamagedFrames"/>).
    /// </summary>
    /// <exception cref="VideoDecodeException">The file is missing, truncated or corrupt (the message names it).</exception>
    public static (int Frames, long Vectors, long DamagedFrames) Write(string path, TextWriter writer)
    {
        using var reader = new CompressedVideoReader(path);
        writer.WriteLine(Header);
        int frames = 0;
        long rows = 0;
        while (reader.Next())
        {
            var info = reader.Current;
            frames++;
            foreach (var v in reader.ReadVectors())
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{info.Index},{info.Type},{v.Source},{v.BlockWidth},{v.BlockHeight},{v.SrcX},{v.SrcY},{v.DstX},{v.DstY},{v.MotionX},{v.MotionY},{v.MotionScale},0x{v.Flags:x}"));
                rows++;
            }
        }
        return (frames, rows, reader.DamagedFrames);
    }
}
