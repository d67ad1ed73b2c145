using Spectre.Console;

namespace Distill.Training;

/// <summary>A synchronous <see cref="IProgress{T}"/> (System.Progress posts to a context; training reports inline).</summary>
public sealed class ProgressHook<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>
/// The terminal's view of a training run: a live Spectre.Console bar (epochs, and steps of the current epoch with
/// loss, learning rate and throughput) when the console is interactive, one plain line per report otherwise.
/// </summary>
public static class TerminalProgress
{
    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return work(new ProgressHook<TrainingProgress>(p => Console.WriteLine($"{title}: {p}")));
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? epochs = null, steps = null;
                return work(new ProgressHook<TrainingProgress>(p =>
                {
                    epochs ??= ctx.AddTask(Markup.Escape(title), maxValue: p.Epochs);
                    if (steps is null || p.Step < steps.Value)
                    {
                        steps?.StopTask();
                        steps = ctx.AddTask($"epoch {p.Epoch + 1}", maxValue: p.StepsPerEpoch);
                    }
                    steps.Value = p.Step;
                    steps.Description = Markup.Escape(p.EpochEnd
                        ? $"epoch {p.Epoch + 1}: loss {p.Loss:F4}, {p.Finished!.Evaluation}"
                        : $"epoch {p.Epoch + 1}: loss {p.Loss:F4}, lr {p.LearningRate:G3}, {p.ImagesPerSecond:F0} img/s");
                    if (p.EpochEnd)
                    {
                        steps.StopTask();
                        steps = null;
                        epochs.Value = p.Epoch + 1;
                        epochs.Description = Markup.Escape($"{title} ({p.Finished!.Evaluation})");
                    }
                }));
            });
    }
}
