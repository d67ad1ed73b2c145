using Spectre.Console;

namespace DataPrep.Video;

/// <summary>A console progress bar (Spectre.Console) for long per-file loops; safe to advance from worker threads.</summary>
static class ConsoleProgress
{
    /// <summary>Runs <paramref name="work"/>, which receives "set total" and "one more done" callbacks.</summary>
    public static async Task<T> RunAsync<T>(string title, Func<Action<int>, Action, Task<T>> work)
    {
        T result = default!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), autoStart: true, maxValue: 1);
                result = await work(total => task.MaxValue = Math.Max(1, total), () => task.Increment(1));
                task.Value = task.MaxValue;
            });
        return result;
    }
}
