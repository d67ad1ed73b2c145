using Spectre.Console;

namespace DataPrep.Video;

/// <summary>A console progress bar (Spectre.Console) for long per-file loops; safe to advance from worker threads.</summary>
static class ConsoleProgress
{
    /// <summary>Runs <paramref name="work"/> over <paramref name="total"/> items; it calls the action it receives once per item done.</summary>
    public static async Task<T> RunAsync<T>(string title, int total, Func<Action, Task<T>> work)
    {
        T result = default!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), autoStart: true, maxValue: Math.Max(1, total));
                result = await work(() => task.Increment(1));
                task.Value = task.MaxValue;
            });
        return result;
    }
}
