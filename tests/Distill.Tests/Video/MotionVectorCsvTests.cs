using System.Globalization;
using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>The `mv-dump` CSV: one row per AVMotionVector block, on the macroblock grid, carrying the test video's known shift.</summary>
public sealed class MotionVectorCsvTests(SyntheticVideoFixture video) : IClassFixture<SyntheticVideoFixture>
{
    sealed record Row(int Frame, string Type, int Source, int W, int H, int SrcX, int SrcY, int DstX, int DstY, int MotionX, int MotionY, int Scale);

    static List<Row> Parse(string csv, out string header)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        header = lines[0];
        return lines.Skip(1).Select(line =>
        {
            var f = line.Split(',');
            Assert.Equal(13, f.Length);
            int I(int k) => int.Parse(f[k], CultureInfo.InvariantCulture);
            Assert.StartsWith("0x", f[12]);
            return new Row(I(0), f[1], I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11));
        }).ToList();
    }

    [Fact]
    public void RowsDescribeEveryPFrameBlockAndRecoverTheShift()
    {
        var text = new StringWriter();
        var (frames, vectors, damaged) = MotionVectorCsv.Write(video.Path, text);
        var rows = Parse(text.ToString(), out var header);

        Assert.Equal("frame,pict_type,source,w,h,src_x,src_y,dst_x,dst_y,motion_x,motion_y,motion_scale,flags", header);
        Assert.Equal(SyntheticVideo.Frames, frames);
        Assert.Equal(vectors, rows.Count);
        Assert.Equal(0, damaged);
        // I-frames (0 and 12) have no rows; each of the 22 P-frames has at least the patch's blocks.
        var perFrame = rows.GroupBy(r => r.Frame).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(Enumerable.Range(0, SyntheticVideo.Frames).Where(t => t % SyntheticVideo.Gop != 0), perFrame.Keys.Order());
        Assert.All(rows, r => Assert.Equal("P", r.Type));

        // 160x96 is 10x6 macroblocks of 16x16, at most four 8x8 vectors each; centres lie on the block grid.
        Assert.All(perFrame.Values, list => Assert.InRange(list.Count, 1, 10 * 6 * 4));
        Assert.All(rows, r =>
        {
            Assert.Equal(-1, r.Source);
            Assert.Contains((r.W, r.H), new[] { (16, 16), (8, 8), (16, 8) });
            Assert.Equal(r.W / 2, r.DstX % r.W);
            Assert.Equal(r.H / 2, r.DstY % r.H);
            // src = dst + motion / scale; MPEG-4 Part 2 uses half-pixel vectors (scale 2), FFmpeg truncates toward zero.
            Assert.Equal(2, r.Scale);
            Assert.Equal(r.DstX + r.MotionX / r.Scale, r.SrcX);
            Assert.Equal(r.DstY + r.MotionY / r.Scale, r.SrcY);
        });

        // Blocks wholly inside the moving patch move by exactly the known shift (4, -2) per frame: dst - src.
        foreach (var (frame, list) in perFrame)
        {
            var (px, py) = SyntheticVideo.PatchAt(frame);
            var inside = list.Where(r => r.DstX - r.W / 2 >= px && r.DstX + r.W / 2 <= px + SyntheticVideo.PatchSize
                                         && r.DstY - r.H / 2 >= py && r.DstY + r.H / 2 <= py + SyntheticVideo.PatchSize).ToList();
            Assert.NotEmpty(inside);
            Assert.Equal(SyntheticVideo.Shift, inside.GroupBy(r => (r.DstX - r.SrcX, r.DstY - r.SrcY)).MaxBy(g => g.Count())!.Key);
            Assert.Contains(inside, r => (r.MotionX, r.MotionY) == (-2 * SyntheticVideo.Shift.X, -2 * SyntheticVideo.Shift.Y));
        }
    }

    [Fact]
    public void ATruncatedFileFailsWithAnErrorNamingIt()
    {
        var bytes = File.ReadAllBytes(video.Path);
        var path = Path.Combine(video.Folder, "csv-truncated.avi");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        var e = Assert.Throws<VideoDecodeException>(() => MotionVectorCsv.Write(path, new StringWriter()));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message);
    }
}
