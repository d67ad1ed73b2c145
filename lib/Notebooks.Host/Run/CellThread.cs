using System.Collections.Concurrent;

namespace Notebooks.Host.Run;

/// <summary>
/// The one thread every cell of a run executes on, as in a notebook kernel, so that the host's own thread stays free to
/// notice an interrupt (Ctrl+C, SIGTERM) while a cell trains for an hour.
/// Continuations of awaits inside a cell come back to this thread through its synchronization context.
/// </summary>
sealed class CellThread : IDisposable
{
    readonly BlockingCollection<Action> work = new();

    public CellThread(string name)
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Runs <paramref name="run"/> on this thread; the task completes with its result or its exception.</summary>
    public Task<T> Run<T>(Func<Task<T>> run)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(async () =>
        {
            try { done.SetResult(await run()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    /// <summary>No more cells; work already queued still runs. A cell that is still running is left to the process's end.</summary>
    public void Dispose() => work.CompleteAdding();

    void Post(Action action)
    {
        try { work.Add(action); }
        catch (InvalidOperationException) { ThreadPool.QueueUserWorkItem(_ => action()); }   // disposed: a late continuation
    }

    void Loop()
    {
        SynchronizationContext.SetSynchronizationContext(new Context(this));
        foreach (var action in work.GetConsumingEnumerable()) action();
    }

    sealed class Context(CellThread owner) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback callback, object? state) => owner.Post(() => callback(state));
        public override SynchronizationContext CreateCopy() => this;
    }
}
