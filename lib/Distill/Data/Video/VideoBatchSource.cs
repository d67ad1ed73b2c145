using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Data.Video;

/// <summary>How a <see cref="VideoBatchSource"/> samples and transforms videos.</summary>
/// <param name="Segments">TSN segments per video: CoViAR trains on 3 and tests on 25.</param>
/// <param name="ImageSize">Side of the square input the models are built for (CoViAR: 224).</param>
/// <param name="Train">Random frame per segment, shuffled order, multi-scale crop and flip; else centre frames, fixed order, resize and centre crop.</param>
/// <param name="Accumulate">CoViAR's accumulated motion vectors and residuals (traced back to the I-frame).</param>
/// <param name="Mirror">
/// Training flips half the videos horizontally (CoViAR, for UCF-101 and HMDB51, whose actions keep their class in a
/// mirror). Off for sets whose classes a mirror turns into other classes: moving right vs left, turning clockwise vs
/// counterclockwise (the generated action set; likewise Something-Something).
/// </param>
/// <param name="Damaged">Videos that decode only through concealed damage: skipped and listed (default), refused, or used.</param>
public sealed record VideoLoaderOptions(int BatchSize, int Segments, int ImageSize, bool Train, int Seed = 0, bool Accumulate = true,
    bool Mirror = true, DamagedVideoPolicy Damaged = DamagedVideoPolicy.Skip)
{
    /// <summary>Evaluation options for the same input size.</summary>
    public static VideoLoaderOptions Test(int batchSize, int segments, int imageSize) => new(batchSize, segments, imageSize, Train: false);
}

/// <summary>
/// Batches of compressed videos for the CoViAR networks (Wu et al., CVPR 2018) and their distillation: each video
/// becomes <see cref="VideoLoaderOptions.Segments"/> TSN segments, each segment its I-frame (3 channels), motion vectors
/// (2) and residual (3) packed as in <see cref="StreamLayout"/>, geometrically augmented alike (one crop and one flip per
/// video; a flip, where the set allows it, negates the vectors' x, a resize rescales them), vectors measured in pixels
/// of CoViAR's 224-pixel input, and normalised per stream as CoViAR does (<see cref="StreamAugment.Normalise"/>).
/// Images are [N, S * 8, size, size], labels [N]. Every video is decoded once up front without pixel work; files that
/// cannot be read are skipped and listed in <see cref="Skipped"/>, damaged ones as <see cref="VideoLoaderOptions.Damaged"/> says.
/// Epoch e is a pure function of (seed, e).
/// </summary>
public sealed class VideoBatchSource : IBatchSource
{
    readonly IReadOnlyList<(VideoIndex Index, int Label)> videos;

    public VideoBatchSource(IEnumerable<ActionVideo> videos, int numClasses, VideoLoaderOptions options)
    {
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"batch size must be positive, got {options.BatchSize}");
        if (options.Segments < 1) throw new ArgumentOutOfRangeException(nameof(options), $"segments must be positive, got {options.Segments}");
        if (options.ImageSize < 8) throw new ArgumentOutOfRangeException(nameof(options), $"image size must be at least 8, got {options.ImageSize}");
        var list = videos.ToList();
        var bad = list.FirstOrDefault(v => v.Label < 0 || v.Label >= numClasses);
        if (bad is not null) throw new ArgumentException($"{bad.Path}: label {bad.Label} is outside 0..{numClasses - 1}");
        var failed = new List<VideoFailure>();
        var good = new List<(VideoIndex, int)>();
        foreach (var v in list)
        {
            VideoIndex index;
            try { index = GopReader.Index(v.Path); }
            catch (VideoDecodeException e) { failed.Add(new VideoFailure(v.Path, e.Detail)); continue; }
            if (index.FrameCount < 2) failed.Add(new VideoFailure(v.Path, $"{index.FrameCount} frame; the motion streams need at least 2"));
            else if (options.Damaged.Judge(index) is { } damaged) failed.Add(damaged);
            else good.Add((index, v.Label));
        }
        if (good.Count == 0)
            throw new InvalidDataException($"none of the {list.Count} videos could be read" +
                                           (failed.Count > 0 ? $"; first failure: {failed[0].Path}: {failed[0].Reason}" : ""));
        this.videos = good;
        Skipped = failed;
        NumClasses = numClasses;
        Options = options;
    }

    public VideoLoaderOptions Options { get; }

    /// <summary>Videos that could not be read, with the reason; they take no part in any epoch.</summary>
    public IReadOnlyList<VideoFailure> Skipped { get; }

    /// <summary>The readable videos with their GOP layout and label.</summary>
    public IReadOnlyList<(VideoIndex Index, int Label)> Videos => videos;

    public int Count => videos.Count;
    public int BatchSize => Options.BatchSize;
    public int BatchesPerEpoch => (Count + BatchSize - 1) / BatchSize;
    public int NumClasses { get; }
    public (int Channels, int Height, int Width) Shape => (Options.Segments * StreamLayout.Channels, Options.ImageSize, Options.ImageSize);

    public IEnumerable<Batch> Epoch(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), $"epoch must be non-negative, got {epoch}");
        return Batches(epoch);
    }

    IEnumerable<Batch> Batches(int epoch)
    {
        var rng = new Random(unchecked((int)EpochPlan.SeedOf(Options.Seed, epoch)));
        var order = Enumerable.Range(0, Count).ToArray();
        if (Options.Train) rng.Shuffle(order);
        var device = TorchRuntime.Current.Device;
        for (int start = 0; start < Count; start += BatchSize)
        {
            var members = order.Skip(start).Take(BatchSize).ToArray();
            var seeds = members.Select(_ => rng.Next()).ToArray();
            var examples = new Tensor[members.Length];
            Batch batch;
            try
            {
                // Videos decode in parallel; the examples are owned here (cached or disposed below), by no dispose scope.
                Parallel.For(0, members.Length, i => examples[i] = Cached(members[i], seeds[i]));
                using var scope = NewDisposeScope();
                var images = stack(examples).to(device);
                var labels = tensor(members.Select(v => (long)videos[v].Label).ToArray(), ScalarType.Int64).to(device);
                var (x, y) = scope.MoveToOuter(images, labels);
                batch = new Batch(x, y);
            }
            finally
            {
                foreach (var (e, i) in examples.Select((e, i) => (e, i)))
                    if (e is not null && !cache.ContainsKey(members[i])) e.Dispose();
            }
            // Yielded with no scope of this iterator open: what the consumer makes before the next batch stays its own.
            yield return batch;
        }
    }

    /// <summary>
    /// Test examples are the same in every epoch (centre frames, fixed transform), so a test source whose examples fit
    /// in <see cref="TestCacheBytes"/> keeps them after the first pass: evaluation after every epoch of every run then
    /// decodes each video once.
    /// </summary>
    Tensor Cached(int video, int seed)
    {
        if (cache.TryGetValue(video, out var kept)) return kept;
        // Made on a worker or on the calling thread, whose open dispose scope (the consumer's) must not take it.
        var example = Example(videos[video].Index, new Random(seed)).DetachFromDisposeScope();
        long bytes = (long)Count * Options.Segments * StreamLayout.Channels * Options.ImageSize * Options.ImageSize * sizeof(float);
        return !Options.Train && bytes <= TestCacheBytes ? cache.GetOrAdd(video, example) : example;
    }

    /// <summary>Largest test split (all examples, float32) that is kept in memory.</summary>
    public const long TestCacheBytes = 512L << 20;

    readonly System.Collections.Concurrent.ConcurrentDictionary<int, Tensor> cache = new();

    /// <summary>One video as [S * 8, size, size]: sampled, read, transformed and normalised.</summary>
    public Tensor Example(VideoIndex index, Random rng)
    {
        var frames = Options.Train
            ? SegmentSampler.Train(index.FrameCount, Options.Segments, CompressedStream.MotionVector, rng)
            : SegmentSampler.Test(index.FrameCount, Options.Segments, CompressedStream.MotionVector);
        using var streams = SegmentStreams.Load(index, frames, Options.Accumulate);
        if (!Options.Train) return Transform(streams, crop: null);
        var crop = StreamAugment.DrawCrop(index.Height, index.Width, StreamAugment.MotionScales, rng);
        return Transform(streams, crop with { Flip = crop.Flip && Options.Mirror });
    }

    /// <summary>
    /// Packs the streams as [S * 8, size, size]: with a crop, crop + resize (+ flip) every stream alike; without,
    /// CoViAR's test transform (shorter side to size * 256/224, centre crop). Then vectors in pixels of a 224-pixel input
    /// (<see cref="StreamAugment.ToCoViarScale"/>) and each stream's normalisation.
    /// </summary>
    internal Tensor Transform(SegmentStreams streams, StreamCrop? crop)
    {
        int size = Options.ImageSize;
        using var scope = NewDisposeScope();
        var parts = StreamLayout.Streams.Select(stream =>
        {
            var clip = streams[stream];
            var shaped = crop is { } c
                ? StreamAugment.Resize(StreamAugment.Crop(clip, c.Top, c.Left, c.Height, c.Width), stream, size, size)
                : StreamAugment.Test(clip, stream, (int)Math.Round(size * 256.0 / 224), size);
            if (crop is { Flip: true }) shaped = StreamAugment.HorizontalFlip(shaped, stream);
            if (stream == CompressedStream.MotionVector) shaped = StreamAugment.ToCoViarScale(shaped, size);
            return StreamAugment.Normalise(shaped, stream);
        }).ToList();
        return cat(parts, 1).reshape(-1, size, size).MoveToOuterDisposeScope();
    }
}

/// <summary>One training crop of a video (pixels of the decoded frame) and whether it is mirrored.</summary>
internal readonly record struct StreamCrop(int Top, int Left, int Height, int Width, bool Flip);
