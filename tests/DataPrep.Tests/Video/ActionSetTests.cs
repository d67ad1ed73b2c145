using DataPrep.Video;

namespace DataPrep.Tests.Video;

public sealed class ActionSetTests : IDisposable
{
    static readonly Lazy<FashionSprites> Sprites = new(() => FashionSprites.Load());
    readonly string dir = Directory.CreateTempSubdirectory("actions-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static readonly ActionSetOptions Tiny = new(Motions: 2, Appearances: 2, VideosPerClass: 3, Frames: 13, Width: 48, Height: 32);

    [Fact]
    public async Task WritesUcfLayoutWithThreeSplitsAndGop12Mpeg4Clips()
    {
        var root = Path.Combine(dir, "set");
        var written = await new ActionSetGenerator(Sprites.Value, Tiny, workers: 2).WriteAsync(root);

        string[] classes = ["TrouserMovesRight", "TrouserMovesLeft", "BagMovesRight", "BagMovesLeft"];
        Assert.Equal([.. classes.Order(StringComparer.Ordinal), "ucfTrainTestlist"],
            Directory.EnumerateDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["v_BagMovesLeft_g01_c01.mp4", "v_BagMovesLeft_g02_c01.mp4", "v_BagMovesLeft_g03_c01.mp4"],
            Directory.EnumerateFiles(Path.Combine(root, "BagMovesLeft")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["1 TrouserMovesRight", "2 TrouserMovesLeft", "3 BagMovesRight", "4 BagMovesLeft"],
            File.ReadAllLines(Path.Combine(root, "ucfTrainTestlist", "classInd.txt")));

        var splits = UcfSplits.ReadAll(Path.Combine(root, "ucfTrainTestlist"));
        Assert.Equal(classes, splits[0].Classes);
        Assert.All(splits, s => Assert.Equal((8, 4), (s.Train.Count, s.Test.Count)));
        Assert.Equal(["TrouserMovesLeft/v_TrouserMovesLeft_g02_c01.mp4"], File.ReadAllLines(Path.Combine(root, "ucfTrainTestlist", "testlist02.txt"))
            .Where(l => l.StartsWith("TrouserMovesLeft")));
        // Every clip is a test clip in exactly one split and a training clip in the other two.
        var tested = splits.SelectMany(s => s.Test.Select(v => v.Path)).ToList();
        Assert.Equal(12, tested.Distinct().Count());
        Assert.Equal(12, tested.Count);
        Assert.Equal(written[2].Train, splits[2].Train);

        var clip = Path.Combine(root, "BagMovesRight", "v_BagMovesRight_g02_c01.mp4");
        Assert.Equal(new VideoStreamInfo("mpeg4", 48, 32, 13), await VideoProbe.TryReadAsync(clip));
        Assert.Equal("IPPPPPPPPPPPI", await TestVideos.PictureTypesAsync(clip));
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameBytesAndAnotherSeedDoesNot()
    {
        var one = new ActionSetOptions(Motions: 1, Appearances: 1, VideosPerClass: 3, Frames: 4, Width: 32, Height: 32, Seed: 5);
        await new ActionSetGenerator(Sprites.Value, one, workers: 2).WriteAsync(Path.Combine(dir, "a"));
        await new ActionSetGenerator(Sprites.Value, one, workers: 1).WriteAsync(Path.Combine(dir, "b"));
        await new ActionSetGenerator(Sprites.Value, one with { Seed = 6 }, workers: 2).WriteAsync(Path.Combine(dir, "c"));
        const string clip = "TrouserMovesRight/v_TrouserMovesRight_g03_c01.mp4";
        var a = await File.ReadAllBytesAsync(Path.Combine(dir, "a", clip));
        Assert.Equal(a, await File.ReadAllBytesAsync(Path.Combine(dir, "b", clip)));
        Assert.NotEqual(a, await File.ReadAllBytesAsync(Path.Combine(dir, "c", clip)));
    }

    [Theory]
    [InlineData(SpriteMotion.MovesRight, +1, 0)]
    [InlineData(SpriteMotion.MovesLeft, -1, 0)]
    [InlineData(SpriteMotion.MovesDown, 0, +1)]
    [InlineData(SpriteMotion.MovesUp, 0, -1)]
    public void TranslationMovesTheSpriteCentroidThatWay(SpriteMotion motion, int signX, int signY)
    {
        var (first, last) = Centroids(motion);
        var (dx, dy) = (last.X - first.X, last.Y - first.Y);
        // The sprite travels 35-50% of the 64-pixel side; the other axis stays put (sub-pixel sampling aside).
        Assert.InRange(signX == 0 ? dy * signY : dx * signX, 0.3 * 64, 0.55 * 64);
        Assert.InRange(Math.Abs(signX == 0 ? dx : dy), 0, 1.0);
    }

    [Theory]
    [InlineData(SpriteMotion.ZoomsIn, true)]
    [InlineData(SpriteMotion.ZoomsOut, false)]
    public void ZoomChangesTheCoveredAreaByTheSquareOfTheScale(SpriteMotion motion, bool grows)
    {
        var (first, last) = Centroids(motion);
        // Scale changes by 1.8-2.2x over the clip, so the covered area by 3.2-4.8x (edges blur it a little).
        var ratio = grows ? last.Area / first.Area : first.Area / last.Area;
        Assert.InRange(ratio, 2.8, 5.2);
        Assert.InRange(Math.Abs(last.X - first.X) + Math.Abs(last.Y - first.Y), 0, 1.5);
    }

    [Fact]
    public void TurningKeepsAreaAndCentreButChangesTheImage()
    {
        var (first, last) = Centroids(SpriteMotion.TurnsClockwise);
        Assert.InRange(last.Area / first.Area, 0.8, 1.25);
        Assert.InRange(Math.Abs(last.X - first.X) + Math.Abs(last.Y - first.Y), 0, 3);
    }

    /// <summary>Centre and area (in pixels) of the sprite in the first and last of 16 frames of a 64x64 clip: the
    /// pixels that differ clearly from the renderer's static background.</summary>
    static ((double X, double Y, double Area) First, (double X, double Y, double Area) Last) Centroids(SpriteMotion motion)
    {
        var action = new ActionClass("Bag", 8, motion);
        var renderer = new ActionClipRenderer(action, Sprites.Value, 64, 64, 16, new Random(11));
        var background = renderer.Background.ToArray();
        var frame = new byte[64 * 64 * 3];
        (double, double, double) Measure(int t)
        {
            renderer.Render(t, frame);
            double sum = 0, sx = 0, sy = 0;
            for (var y = 0; y < 64; y++)
            for (var x = 0; x < 64; x++)
            {
                var o = (y * 64 + x) * 3;
                var change = (Math.Abs(frame[o] - background[o]) + Math.Abs(frame[o + 1] - background[o + 1]) + Math.Abs(frame[o + 2] - background[o + 2])) > 30 ? 1.0 : 0.0;
                sum += change; sx += change * x; sy += change * y;
            }
            return (sx / sum, sy / sum, sum);
        }
        return (Measure(0), Measure(15));
    }

    [Fact]
    public void BadOptionsAreRejectedWithTheReason()
    {
        Assert.Contains("videos per class must be at least 3", Assert.Throws<ArgumentException>(() => (Tiny with { VideosPerClass = 2 }).Checked()).Message);
        Assert.Contains("motions must be 1..8", Assert.Throws<ArgumentException>(() => (Tiny with { Motions = 9 }).Checked()).Message);
        Assert.Contains("must be even", Assert.Throws<ArgumentException>(() => (Tiny with { Width = 33 }).Checked()).Message);
    }

    [Fact]
    public void FastVariantsGiveUcf101sHundredAndOneClasses()
    {
        var classes = ActionClasses.Make(motions: 8, appearances: 10, speeds: 2, count: 101);
        Assert.Equal(101, classes.Count);
        Assert.Equal(101, classes.Select(c => c.Name).Distinct().Count());
        Assert.Equal(["TrouserMovesRight", "TrouserMovesRightFast", "TrouserMovesLeft"], classes.Take(3).Select(c => c.Name));
        Assert.Equal(51, classes.Count(c => !c.Fast));
        Assert.Equal(80, ActionClasses.Make(8, 10).Count);          // one speed: the classes as before, none fast
        Assert.DoesNotContain(ActionClasses.Make(8, 10), c => c.Fast);
        Assert.Contains("classes must be 1..80", Assert.Throws<ArgumentException>(() => ActionClasses.Make(8, 10, 1, 101)).Message);
        Assert.Contains("speeds must be 1 or 2", Assert.Throws<ArgumentException>(() => ActionClasses.Make(8, 10, 3)).Message);
    }

    [Fact]
    public void AFastClassMovesTwiceAsFarPerFrame()
    {
        // Same clip seed, so the same start draws: the fast sprite's centroid moves twice as far between frames 0 and 3.
        double Shift(bool fast)
        {
            var renderer = new ActionClipRenderer(new ActionClass("Bag", 8, SpriteMotion.MovesRight, fast), Sprites.Value, 128, 64, 16, new Random(11));
            return CentroidX(renderer, 3) - CentroidX(renderer, 0);
        }
        Assert.InRange(Shift(fast: true) / Shift(fast: false), 1.8, 2.2);
    }

    static double CentroidX(ActionClipRenderer renderer, int t)
    {
        var background = renderer.Background.ToArray();
        var frame = new byte[background.Length];
        renderer.Render(t, frame);
        double sum = 0, sx = 0;
        for (var o = 0; o < frame.Length; o += 3)
        {
            var change = Math.Abs(frame[o] - background[o]) + Math.Abs(frame[o + 1] - background[o + 1]) + Math.Abs(frame[o + 2] - background[o + 2]) > 30 ? 1.0 : 0.0;
            sum += change; sx += change * (o / 3 % 128);
        }
        return sx / sum;
    }
}
