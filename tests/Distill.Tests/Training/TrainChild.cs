using Distill.Losses;
using Distill.Runtime;
using Distill.Training;

namespace Distill.Tests.Training;

/// <summary>
/// The test assembly run as a program (<c>dotnet Distill.Tests.dll train-child FOLDER [EPOCH STEP]</c>): a small KD
/// run (teacher, student, CE + Hinton KD) in a real child process, so that <see cref="KillResumeTests"/> can SIGKILL it
/// mid-epoch and start it again. Prints "progress EPOCH STEP" per report; with EPOCH STEP it prints "paused" on
/// reaching that step and blocks there until killed, so the kill always lands inside the epoch.
/// </summary>
public static class TrainChild
{
    public const string Verb = "train-child";
    public const int Epochs = 3;
    const int Seed = 13;

    public static int Main(string[] args)
    {
        if (args.Length is not (2 or 4) || args[0] != Verb)
        {
            Console.Error.WriteLine($"usage: dotnet Distill.Tests.dll {Verb} FOLDER [PAUSE_EPOCH PAUSE_STEP]");
            return 2;
        }
        Fixtures.Initialize(Seed);
        (int Epoch, int Step)? pause = args.Length == 4 ? (int.Parse(args[2]), int.Parse(args[3])) : null;
        var progress = new ProgressHook<TrainingProgress>(p =>
        {
            Console.WriteLine($"progress {p.Epoch} {p.Step}");
            if (!p.EpochEnd && pause == (p.Epoch, p.Step))
            {
                Console.WriteLine("paused");
                Thread.Sleep(Timeout.Infinite);
            }
        });
        using var distiller = Build();
        var result = Trainer(distiller, args[1], progress, Console.Out).Fit();
        Console.WriteLine($"done, {result.ResumedEpochs} epochs resumed");
        return 0;
    }

    /// <summary>The run's distiller, with weights drawn from the fixed seed (identical in every process).</summary>
    public static Distiller Build()
    {
        TorchRuntime.Seed(Seed, cudaToo: false);
        var teacher = new TinyNet(Fixtures.Spec with { Width = 2 });
        var student = new TinyNet(Fixtures.Spec);
        return new Distiller(student, [teacher], [(new CrossEntropy(), 0.5), (new HintonKd(3), 0.5)]);
    }

    /// <summary>256 training images in batches of 16: 16 steps per epoch, a report every 4.</summary>
    public static Trainer<EpochMetrics> Trainer(Distiller distiller, string? folder, IProgress<TrainingProgress>? progress, TextWriter log) =>
        Distill.Training.Trainer.Of(distiller, new SyntheticSource(256, 16, 14), new SyntheticSource(64, 32, 15), new TrainerOptions
        {
            Epochs = Epochs,
            Optimizer = OptimizerSpec.Sgd(0.05, nesterov: true),
            Schedule = ScheduleSpec.Cosine(warmupEpochs: 0.5),
            Seed = Seed,
            Folder = folder,
            CheckEvery = 4,
            Progress = progress,
            Log = log,
        });
}
