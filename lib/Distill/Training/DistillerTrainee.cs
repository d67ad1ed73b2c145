using Distill.Data;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>
/// A <see cref="Distiller"/> (student, frozen teachers, weighted loss terms) with its training and test splits, as
/// the <see cref="Trainer{TMetrics}"/> drives it: one distiller step per training batch (top-1 hits counted on the
/// device), then cross-entropy, top-1 and top-5 of the student on the test split. Classifiers and the CoViAR video
/// networks (whose batches are segment stacks) train through it alike.
/// </summary>
public sealed class DistillerTrainee(Distiller distiller, IBatchSource train, IBatchSource test) : ITrainee<EpochMetrics>
{
    DeviceTuning tuning = new(false, false);

    public nn.Module Module => distiller;
    public IReadOnlyList<string> LoggedKeys => distiller.TermKeys;
    /// <summary>Optimiser steps per epoch: the batches the training source yields (a dropped last partial batch is no step).</summary>
    public int StepsPerEpoch => train.BatchesPerEpoch;

    public void MoveTo(Device device, DeviceTuning tuning)
    {
        this.tuning = tuning;
        distiller.to(device);
        foreach (var teacher in distiller.Teachers) teacher.to(device);
    }

    public IEnumerable<StepOutput> Steps(int epoch, int seed)
    {
        distiller.train();
        foreach (var batch in train.Epoch(epoch))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var result = distiller.Step(tuning.Layout(batch.Images), batch.Labels);
                yield return new StepOutput(result.Loss, result.Terms, batch.Labels.shape[0],
                    Accuracy.Top1Correct(result.StudentLogits, batch.Labels));
            }
        }
    }

    public EpochMetrics Evaluate(EpochTraining t)
    {
        var (testLoss, top1, top5) = Evaluate(distiller.Student, test, tuning);
        return new EpochMetrics(t.Epoch, t.LearningRate, t.Losses, (double)t.Correct / t.Examples, testLoss, top1, top5,
            t.Clock.Elapsed.TotalSeconds, t.ExamplesPerSecond);
    }

    /// <summary>Mean cross-entropy, top-1 and top-5 accuracy of <paramref name="model"/> on every batch of epoch 0 of <paramref name="source"/>.</summary>
    public static (double Loss, double Top1, double Top5) Evaluate(DistillModel model, IBatchSource source, DeviceTuning? tuning = null)
    {
        TorchThreads.ApplyHere();
        bool wasTraining = model.training;
        model.eval();
        var device = TorchRuntime.Current.Device;
        using var noGrad = no_grad();
        using var totals = zeros(3, float64, device);   // loss sum, top-1 hits, top-5 hits
        long count = 0;
        foreach (var batch in source.Epoch(0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var logits = model.call(tuning?.Layout(batch.Images) ?? batch.Images).Logits;
                var loss = nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum);
                totals.PlusInPlace(cat([loss.reshape(1).to(float64), Accuracy.TopKCorrect(logits, batch.Labels).to(float64)]));
                count += batch.Labels.shape[0];
            }
        }
        model.train(wasTraining);
        if (count == 0) throw new InvalidOperationException("The evaluation source yielded no examples.");
        using var onHost = totals.cpu();
        var host = onHost.data<double>().ToArray();
        return (host[0] / count, host[1] / count, host[2] / count);
    }
}
