using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>The decoder's exported vectors, rasterised with CoViAR's sign, recover the known motion of the test video.</summary>
public sealed class MotionVectorTests(SyntheticVideoFixture video) : IClassFixture<SyntheticVideoFixture>
{
    [Fact]
    public void GopStructureIsAnIFrameEveryTwelveFramesAndNoBFrames()
    {
        var types = new List<PictureType>();
        using (var reader = new CompressedVideoReader(video.Path))
            while (reader.Next()) types.Add(reader.Current.Type);
        Assert.Equal(SyntheticVideo.Frames, types.Count);
        for (int t = 0; t < types.Count; t++)
            Assert.Equal(t % SyntheticVideo.Gop == 0 ? PictureType.I : PictureType.P, types[t]);

        var index = GopReader.Index(video.Path);
        Assert.Equal("mpeg4", index.Codec);
        Assert.Equal([0, 12], index.GopStarts);
        Assert.Equal((160, 96, 24), (index.Width, index.Height, index.FrameCount));
        Assert.Equal(12, index.GopLength(1));
    }

    [Fact]
    public void BlocksInsideTheMovingPatchCarryTheShift()
    {
        using var reader = new CompressedVideoReader(video.Path);
        int checkedFrames = 0;
        while (reader.Next())
        {
            var info = reader.Current;
            var vectors = reader.ReadVectors();
            if (info.Type == PictureType.I) { Assert.Empty(vectors); continue; }
            var (px, py) = SyntheticVideo.PatchAt(info.Index);
            var inside = vectors.Where(v => v.Source < 0
                && v.DstX - v.BlockWidth / 2 >= px && v.DstX + v.BlockWidth / 2 <= px + SyntheticVideo.PatchSize
                && v.DstY - v.BlockHeight / 2 >= py && v.DstY + v.BlockHeight / 2 <= py + SyntheticVideo.PatchSize).ToList();
            Assert.NotEmpty(inside);
            var dominant = inside.GroupBy(v => (v.DstX - v.SrcX, v.DstY - v.SrcY)).MaxBy(g => g.Count())!.Key;
            Assert.Equal(SyntheticVideo.Shift, dominant);
            // FFmpeg's own sub-pixel vector has the opposite sign: motion / scale = src - dst.
            var m = inside.First(v => (v.DstX - v.SrcX, v.DstY - v.SrcY) == dominant);
            Assert.Equal(-SyntheticVideo.Shift.X * m.MotionScale, m.MotionX);

            var field = MotionField.Rasterise(vectors, info.Width, info.Height);
            var interior = FieldMode(field, info.Width, px + 8, py + 8, 16, 16);
            Assert.Equal(SyntheticVideo.Shift, interior);
            var farBackground = FieldMode(field, info.Width, px >= 80 ? 0 : 128, 0, 32, 16);
            Assert.Equal((0, 0), farBackground);
            checkedFrames++;
        }
        Assert.Equal(22, checkedFrames);
    }

    [Fact]
    public void AccumulatedVectorsTraceThePatchBackToTheIFrame()
    {
        foreach (var gop in GopReader.Read(video.Path, accumulate: true))
            foreach (var p in gop.PFrames)
            {
                var (px, py) = SyntheticVideo.PatchAt(p.FrameIndex);
                var acc = FieldMode(p.AccumulatedMotionVectors!, gop.Width, px + 8, py + 8, 16, 16);
                Assert.Equal((SyntheticVideo.Shift.X * p.GopPosition, SyntheticVideo.Shift.Y * p.GopPosition), acc);
            }
    }

    /// <summary>The most frequent vector in a w x h window of a field.</summary>
    internal static (int, int) FieldMode(short[] field, int width, int x0, int y0, int w, int h)
    {
        var counts = new Dictionary<(int, int), int>();
        for (int y = y0; y < y0 + h; y++)
            for (int x = x0; x < x0 + w; x++)
            {
                var key = ((int)field[(y * width + x) * 2], (int)field[(y * width + x) * 2 + 1]);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        return counts.MaxBy(kv => kv.Value).Key;
    }
}

/// <summary>One encoded test video shared by a test class, deleted afterwards.</summary>
public sealed class SyntheticVideoFixture : IDisposable
{
    readonly SyntheticVideo video = new();
    public string Path => video.Path;
    public string Folder => video.Folder;
    public void Dispose() => video.Dispose();
}
