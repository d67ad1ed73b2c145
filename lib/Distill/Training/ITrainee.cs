using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>What one forward pass of a trainee hands the <see cref="Trainer"/>: the loss to minimise, every logged
/// value (in the order of <see cref="ITrainee{TMetrics}.LoggedKeys"/>), the examples it saw and, for classifiers, the
/// top-1 hits among them.</summary>
public sealed record StepOutput(Tensor Loss, IReadOnlyList<Tensor> Logged, long Examples, Tensor? Correct = null);

/// <summary>What the <see cref="Trainer"/> measured over one epoch's steps, for the trainee to complete with its evaluation.</summary>
/// <param name="Losses">"total" and every logged key, averaged over the epoch's steps.</param>
/// <param name="Correct">Top-1 hits summed over the epoch (0 for trainees that report none).</param>
/// <param name="Clock">Started at the epoch's start: the epoch's seconds, evaluation included, are read from it last.</param>
public sealed record EpochTraining(int Epoch, double LearningRate, IReadOnlyDictionary<string, double> Losses, long Examples,
                                   long Correct, double TrainSeconds, Stopwatch Clock)
{
    public double ExamplesPerSecond => Examples / TrainSeconds;
}

/// <summary>One line of a run's metrics.jsonl, whatever the task: classification (<see cref="EpochMetrics"/>) or detection.</summary>
public interface IEpochMetrics
{
    int Epoch { get; }
    double LearningRate { get; }
    IReadOnlyDictionary<string, double> Losses { get; }
    double Seconds { get; }
    double ImagesPerSecond { get; }

    /// <summary>The evaluation in a few words, for progress reports ("test top-1 91.20%", "mAP 41.3").</summary>
    string Evaluation { get; }
}

/// <summary>
/// A model and its data as the <see cref="Trainer"/> drives them, the same way for every task: the trainer seeds the
/// epoch, sets the learning rate, and for each <see cref="StepOutput"/> the trainee yields frees the gradients, runs
/// backward and the optimiser step before the trainee goes on to its next batch; after the epoch the trainee
/// evaluates. <see cref="Module"/> is what the optimiser trains (its parameters that require gradients) and what a
/// checkpoint holds. Implementations: <see cref="DistillerTrainee"/> (classifiers and the CoViAR video networks) and
/// <see cref="Detection.DetectorTrainee"/> (Faster R-CNN).
/// </summary>
public interface ITrainee<out TMetrics> where TMetrics : IEpochMetrics
{
    nn.Module Module { get; }

    /// <summary>The logged values of every step besides "total", in order.</summary>
    IReadOnlyList<string> LoggedKeys { get; }

    int StepsPerEpoch { get; }

    /// <summary>Moves the trained module (and any frozen teacher) to <paramref name="device"/>.</summary>
    void MoveTo(Device device, DeviceTuning tuning);

    /// <summary>The forward passes of epoch <paramref name="epoch"/>, one per training batch; <paramref name="seed"/> is the epoch's seed.</summary>
    IEnumerable<StepOutput> Steps(int epoch, int seed);

    /// <summary>Evaluates on the test split and completes the epoch's record.</summary>
    TMetrics Evaluate(EpochTraining training);
}
