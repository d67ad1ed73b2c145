using Distill.Data.Video;
using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;

namespace Distill.Tests.Video;

/// <summary>
/// End to end on real MPEG-4 files: the CoViAR motion-vector teacher (mv-resnet18 at a quarter width, 32x32 input, the
/// smoke profile's network) learns a class that only motion tells apart. Class 0 is a textured patch moving right,
/// class 1 the same kind of patch moving left, over a fresh random texture in every clip, so neither the I-frame nor
/// where the patch sits says which; the accumulated vectors do. Training does not mirror (a mirror swaps the classes).
/// </summary>
public sealed class MotionTeacherLearningTests : IDisposable
{
    const int ClipsPerClass = 14, TrainPerClass = 6, Size = 32;

    readonly string folder = Directory.CreateTempSubdirectory("distill-motion-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Clip <paramref name="k"/> of class <paramref name="label"/>: speed 2..4 px/frame, random row and textures.</summary>
    string Clip(int label, int k)
    {
        var rng = new Random(1000 * label + k);
        int speed = rng.Next(2, 5) * (label == 0 ? 1 : -1);
        int travel = Math.Abs(speed) * (SyntheticVideo.Frames - 1);
        // The path is centred (+-8 px) so that the test transform's centre crop of the wide frame keeps the patch in view.
        int x0 = (SyntheticVideo.Width - SyntheticVideo.PatchSize - travel) / 2 + rng.Next(-8, 9) + (speed < 0 ? travel : 0);
        int y = rng.Next(0, SyntheticVideo.Height - SyntheticVideo.PatchSize + 1);
        var background = SyntheticVideo.Texture(SyntheticVideo.Width, SyntheticVideo.Height, rng.Next());
        var patch = SyntheticVideo.Texture(SyntheticVideo.PatchSize, SyntheticVideo.PatchSize, rng.Next());
        var path = Path.Combine(folder, $"class{label}-{k}.avi");
        SyntheticVideo.Encode(path, Enumerable.Range(0, SyntheticVideo.Frames).Select(t => SyntheticVideo.Compose(background, patch, (x0 + speed * t, y))));
        return path;
    }

    [Fact]
    public void MotionVectorTeacherTellsRightFromLeftWellAboveChance()
    {
        TorchRuntime.Initialize(seed: 0, quiet: true);
        var clips = Enumerable.Range(0, 2).SelectMany(label => Enumerable.Range(0, ClipsPerClass).Select(k => new ActionVideo(Clip(label, k), label))).ToList();
        var train = clips.Where((_, i) => i % ClipsPerClass < TrainPerClass).ToList();
        var test = clips.Where((_, i) => i % ClipsPerClass >= TrainPerClass).ToList();
        var trainSource = new VideoBatchSource(train, 2, new VideoLoaderOptions(BatchSize: 2, Segments: 3, Size, Train: true, Seed: 0, Mirror: false));
        var testSource = new VideoBatchSource(test, 2, VideoLoaderOptions.Test(4, 5, Size));
        using var teacher = ModelZoo.Create(new ModelSpec(CoViarStreams.Name(CompressedStream.MotionVector, 18), 2, StreamLayout.Channels, Size, 0.25));
        using var distiller = new Distiller(teacher, [], [(new CrossEntropy(), 1.0)]);
        Trainer.Of(distiller, trainSource, testSource, new TrainerOptions
        {
            Epochs = 12, Optimizer = OptimizerSpec.Adam(3e-3, weightDecay: 1e-4), Schedule = ScheduleSpec.Cosine(), Log = TextWriter.Null,
        }).Fit();
        var scores = SegmentEvaluation.Evaluate(teacher, testSource);
        // 16 test videos, chance 1/2: at least 12 of 16 right by guessing has probability 2517/65536 (3.8%).
        Assert.True(scores.VideoTop1 >= 12 / 16.0, $"video accuracy {scores.VideoTop1:P0} on 16 test videos (chance 50%)");
    }
}
