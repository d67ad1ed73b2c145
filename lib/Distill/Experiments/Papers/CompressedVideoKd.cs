using Distill.Data;
using Distill.Data.Video;
using Distill.Losses;
using Distill.Models;
using Distill.Training;

namespace Distill.Experiments.Papers;

/// <summary>
/// Paper 1, Wu, Chiu and Wu, "Multi-teacher Knowledge Distillation for Compressed Video Action Recognition on Deep
/// Neural Networks" (ICASSP 2019), as experiment configs. Teachers are CoViAR's stream networks (Wu et al., CVPR 2018):
/// ResNet-152 on I-frames, ResNet-18 on motion vectors and on residuals, each trained alone; fused by a weighted sum of
/// scores. The student is one three-stream network of ResNet-18s (<see cref="CoViarNet"/>) trained on its fused scores:
/// from scratch, with Hinton KD from each single teacher, and with multi-teacher KD from all three
/// (<see cref="HintonKd.MultiTeacher"/>). Profiles: "smoke" (the generated action set, narrow networks at small input size, CPU,
/// minutes; its numbers are not the paper's) and "paper" (UCF-101 or HMDB51, full networks at 224, a GPU). The smoke
/// profile's I-frame teacher is a ResNet-18, not the paper's ResNet-152: trained from scratch for 90 steps on 32x32
/// inputs, a quarter-width ResNet-152 stays at chance (and a ResNet-34 or -50 barely leaves it), so the smoke teachers
/// and student have the same size there; the paper profile keeps 152/18/18.
/// </summary>
public sealed record CompressedVideoKd
{
    public required string Profile { get; init; }
    public required string DataSet { get; init; }
    public required VideoDataSettings Data { get; init; }
    public required int NumClasses { get; init; }

    /// <summary>Channel width multiplier of every ResNet (1 = the paper's networks).</summary>
    public double Width { get; init; } = 1.0;

    public int IFrameTeacherDepth { get; init; } = 152;
    public int MotionTeacherDepth { get; init; } = 18;
    public int StudentDepth { get; init; } = 18;
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public OptimizerSpec Optimizer { get; init; } = OptimizerSpec.Adam(1e-3, weightDecay: 1e-4);
    public ScheduleSpec Schedule { get; init; } = ScheduleSpec.Constant();

    /// <summary>Weight of the distillation term; the cross-entropy gets 1 - Alpha (Hinton et al. 2015).</summary>
    public double Alpha { get; init; } = 0.9;

    public double Temperature { get; init; } = 4.0;

    /// <summary>Per-teacher weights of the multi-teacher term (I-frame, motion vector, residual).</summary>
    public IReadOnlyList<double> TeacherWeights { get; init; } = [1.0, 1.0, 1.0];

    /// <summary>CoViAR's score-fusion weights of the three teachers (I-frame, motion vector, residual).</summary>
    public IReadOnlyList<double> FusionWeights { get; init; } = [1.0, 1.0, 1.0];

    public int Seed { get; init; }

    /// <summary>
    /// Input size and segments of a profile on set <paramref name="dataSet"/> under <paramref name="root"/>: smoke 32x32,
    /// 3 training and 5 test segments; paper 224x224, 3 and 25 (CoViAR). Training flips only where a mirror keeps the
    /// classes (<see cref="VideoDataSets.MirrorKeepsClasses"/>).
    /// </summary>
    public static VideoDataSettings DataFor(string profile, string dataSet, string root) => profile switch
    {
        Profiles.Smoke => new VideoDataSettings(root, 1, 32, SegmentSampler.TrainSegments, 5, VideoDataSets.MirrorKeepsClasses(dataSet)),
        Profiles.Paper => new VideoDataSettings(root, 1, 224, SegmentSampler.TrainSegments, SegmentSampler.TestSegments,
            VideoDataSets.MirrorKeepsClasses(dataSet)),
        _ => throw Profiles.NotDefined(profile, "compressed-video study", Profiles.Smoke, Profiles.Paper),
    };

    /// <summary>
    /// The study for <paramref name="profile"/> on the set under <paramref name="dataRoot"/> (default data/&lt;dataSet&gt;).
    /// Smoke: networks at width 1/4 with a ResNet-18 I-frame teacher, 9 epochs of Adam from 3e-3 on a cosine schedule
    /// (90 steps of 8 videos on the default generated set); paper: full width, ResNet-152 I-frame teacher, 60 epochs with
    /// a cosine schedule.
    /// </summary>
    public static CompressedVideoKd For(string profile, string? dataRoot = null, string dataSet = VideoDataSets.Actions)
    {
        var root = dataRoot ?? VideoDataSets.Root(dataSet);
        if (!ActionSplits.Exists(root))
            throw new DatasetNotFoundException(dataSet == VideoDataSets.Actions
                ? $"No action set in {root}. Generate it with `dotnet data-prep/bin/Release/net10.0/data-prep.dll make-actions --out {root}` (environment/reproduce.sh does)."
                : $"No prepared {dataSet} in {root}. Prepare it with `data-prep video {dataSet} --root {Path.GetDirectoryName(Path.GetFullPath(root))}`.");
        var data = DataFor(profile, dataSet, root);
        int classes = ActionSplits.Read(root, data.Split).Classes.Count;
        var study = new CompressedVideoKd { Profile = profile, DataSet = dataSet, Data = data, NumClasses = classes };
        return profile == Profiles.Smoke
            ? study with
            {
                Width = 0.25, IFrameTeacherDepth = 18, Epochs = 9, BatchSize = 8,
                Optimizer = OptimizerSpec.Adam(3e-3, weightDecay: 1e-4), Schedule = ScheduleSpec.Cosine(),
            }
            : study with { Epochs = 60, BatchSize = 32, Schedule = ScheduleSpec.Cosine() };
    }

    /// <summary>The teacher of one stream: CoViAR's network for it, trained alone with cross-entropy.</summary>
    public Experiment Teacher(CompressedStream stream) => Base($"teacher-{StreamLayout.Key(stream)}",
        CoViarStreams.Name(stream, stream == CompressedStream.IFrame ? IFrameTeacherDepth : MotionTeacherDepth), [new LossSpec(CrossEntropy.Name)]);

    public IReadOnlyList<Experiment> Teachers => StreamLayout.Streams.Select(Teacher).ToList();

    /// <summary>The three-stream student trained from scratch on the labels.</summary>
    public Experiment Scratch => Base("student-scratch", CoViarStreams.FusedName(StudentDepth), [new LossSpec(CrossEntropy.Name)]);

    /// <summary>The student distilled from one teacher (Hinton KD on the fused scores).</summary>
    public Experiment SingleTeacher(CompressedStream stream) =>
        Base($"student-kd-{StreamLayout.Key(stream)}", CoViarStreams.FusedName(StudentDepth),
            [new LossSpec(CrossEntropy.Name, 1 - Alpha), LossSpec.Of(HintonKd.Names.Kd, Alpha, new HintonKd.Parameters { Temperature = Temperature })])
        with { Teachers = [new TeacherSpec(Teacher(stream).Name)] };

    /// <summary>The student distilled from all three teachers with per-teacher weights (the paper's method).</summary>
    public Experiment MultiTeacherKd =>
        Base("student-multi-teacher", CoViarStreams.FusedName(StudentDepth),
            [new LossSpec(CrossEntropy.Name, 1 - Alpha), LossSpec.Of(HintonKd.Names.MultiTeacher, Alpha, new HintonKd.Parameters { Temperature = Temperature, Weights = TeacherWeights })])
        with { Teachers = Teachers.Select(t => new TeacherSpec(t.Name)).ToList() };

    /// <summary>Every experiment in training order (teachers first).</summary>
    public IReadOnlyList<Experiment> All =>
        [.. Teachers, Scratch, .. StreamLayout.Streams.Select(SingleTeacher), MultiTeacherKd];

    /// <summary>Data for <see cref="ExperimentRunner"/>: this study's root and input settings, sources opened once.</summary>
    public DataSplits Resolve(DataRequest request) => VideoDataSets.Open(Data, request);

    /// <summary>Trains (or reuses) every experiment, then evaluates each on the test split: the paper's table.</summary>
    public CompressedVideoKdResults Run(ExperimentRunner runner) => CompressedVideoKdResults.Collect(this, All.Select(runner.Run).ToList());

    Experiment Base(string role, string model, IReadOnlyList<LossSpec> losses) => new()
    {
        Name = $"{DataSet}-{Profile}-{role}",
        DataSet = DataSet,
        Student = new ModelSpec(model, NumClasses, StreamLayout.Channels, Data.ImageSize, Width),
        Losses = losses,
        Optimizer = Optimizer,
        Schedule = Schedule,
        Epochs = Epochs,
        BatchSize = BatchSize,
        Seed = Seed,
        Profile = Profile,
    };
}
