using System.Globalization;

namespace DataPrep.Video;

/// <summary>Size and content of the generated action set.</summary>
/// <param name="Motions">How many motions (1..8; see <see cref="SpriteMotion"/>).</param>
/// <param name="Appearances">How many Fashion-MNIST categories (1..10); classes = motions x appearances.</param>
/// <param name="VideosPerClass">Clips per class (at least 3, so each of the three splits tests some).</param>
/// <param name="Frames">Frames per clip (at least 2).</param>
/// <param name="Speeds">1, or 2 for a fast variant of every motion as well (<see cref="ActionClass.Fast"/>).</param>
/// <param name="Classes">Only the first this many classes of motions x appearances x speeds (null: all).</param>
public sealed record ActionSetOptions(
    int Motions = 4, int Appearances = 2, int VideosPerClass = 15, int Frames = 24, int Width = 112, int Height = 112,
    int Seed = 0, int FramesPerSecond = 25, int Speeds = 1, int? Classes = null)
{
    public ActionSetOptions Checked()
    {
        if (VideosPerClass < 3) throw new ArgumentException($"videos per class must be at least 3 (one test clip per split), got {VideosPerClass}");
        if (Frames < 2) throw new ArgumentException($"frames must be at least 2, got {Frames}");
        if (FramesPerSecond < 1) throw new ArgumentException($"frames per second must be at least 1, got {FramesPerSecond}");
        ActionClasses.Make(Motions, Appearances, Speeds, Classes);
        new Mpeg4Encoding(Width, Height).Checked();
        return this;
    }
}

/// <summary>
/// `data-prep make-actions`: a small action recognition set for smoke runs and tests of paper 1 (multi-teacher KD
/// for compressed video), written as UCF-101 lays its data out: &lt;out&gt;/&lt;Class&gt;/v_&lt;Class&gt;_gNN_c01.mp4 and
/// &lt;out&gt;/ucfTrainTestlist/ (classInd.txt, trainlist01..03.txt, testlist01..03.txt). Each clip is encoded by
/// ffmpeg's MPEG-4 Part 2 encoder exactly as <see cref="Mpeg4Encoding"/> re-encodes UCF-101 (q 1, GOP 12, no
/// B-frames), so the compressed-domain reader sees real I-frames, motion vectors and residuals. Clip v of a class is
/// group v+1; split k tests the clips with v mod 3 = k-1, so like UCF-101's splits each clip is tested in one split.
/// </summary>
public sealed class ActionSetGenerator(FashionSprites sprites, ActionSetOptions options, int workers)
{
    public const string SplitFolderName = "ucfTrainTestlist";
    readonly ActionSetOptions options = options.Checked();

    /// <summary>Writes the set under <paramref name="root"/>; <paramref name="onClip"/> is called after each clip.</summary>
    public async Task<IReadOnlyList<ActionSplit>> WriteAsync(string root, Action? onClip = null, CancellationToken cancel = default)
    {
        var classes = ActionClasses.Make(options.Motions, options.Appearances, options.Speeds, options.Classes);
        var clips = classes.SelectMany((c, label) => Enumerable.Range(0, options.VideosPerClass).Select(v => (c, label, v))).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancel };
        await Parallel.ForEachAsync(clips, parallel, async (clip, ct) =>
        {
            await EncodeAsync(clip.c, clip.label, clip.v, Path.Combine(root, RelativePath(clip.c, clip.v)), ct);
            onClip?.Invoke();
        });
        var splits = UcfSplits.Numbers.Select(k => new ActionSplit(k, [.. classes.Select(c => c.Name)],
            [.. clips.Where(x => x.v % 3 != k - 1).Select(x => new LabeledVideo(RelativePath(x.c, x.v), x.label))],
            [.. clips.Where(x => x.v % 3 == k - 1).Select(x => new LabeledVideo(RelativePath(x.c, x.v), x.label))])).ToList();
        UcfSplits.Write(Path.Combine(root, SplitFolderName), splits);
        return splits;
    }

    /// <summary>"Class/v_Class_gNN_c01.mp4", UCF-101's naming with clip v as group v + 1.</summary>
    public static string RelativePath(ActionClass action, int video) =>
        $"{action.Name}/v_{action.Name}_g{video + 1:00}_c01.mp4";

    /// <summary>A per-clip seed from the set seed, class and clip (SplitMix64 finaliser; stable across runs,
    /// unlike HashCode.Combine), so clips do not depend on the order workers render them in.</summary>
    static int ClipSeed(int seed, int label, int video)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)label * 0xBF58476D1CE4E5B9UL + (ulong)video * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    async Task EncodeAsync(ActionClass action, int label, int video, string output, CancellationToken cancel)
    {
        var random = new Random(ClipSeed(options.Seed, label, video));
        var renderer = new ActionClipRenderer(action, sprites, options.Width, options.Height, options.Frames, random);
        var encoding = new Mpeg4Encoding(options.Width, options.Height);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var partial = output + ".partial";
        var frame = new byte[options.Width * options.Height * 3];
        var result = await ExternalTool.RunAsync("ffmpeg",
            ["-nostdin", "-hide_banner", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
             "-s", $"{options.Width}x{options.Height}", "-r", options.FramesPerSecond.ToString(CultureInfo.InvariantCulture),
             "-i", "-", .. encoding.OutputArguments(scale: false), partial],
            TimeSpan.FromMinutes(5),
            async (stdin, ct) =>
            {
                for (var t = 0; t < renderer.Frames; t++)
                {
                    renderer.Render(t, frame);
                    await stdin.WriteAsync(frame, ct);
                }
            }, cancel);
        if (!result.Succeeded)
        {
            File.Delete(partial);
            throw new IOException($"{output}: ffmpeg could not encode the clip ({result.Reason})");
        }
        File.Move(partial, output, overwrite: true);
    }
}
