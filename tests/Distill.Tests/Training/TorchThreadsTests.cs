using System.Collections.Concurrent;
using Distill.Losses;
using Distill.Runtime;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// A thread count set on one thread reaches training that runs on another thread which already ran torch work at an
/// older count: what made KillResumeTests' in-process run differ from its child process in the last bits.
/// </summary>
[Collection("Training")]
public class TorchThreadsTests
{
    public TorchThreadsTests() => Fixtures.Initialize(71);

    [Fact]
    public void TrainingOnAThreadStartedUnderAnotherCountUsesTheCountSetLast()
    {
        using var worker = new Worker();
        try
        {
            TorchThreads.Set(3);
            Assert.Equal(3, worker.Run(() => { using var _ = ones(4).sum(); return get_num_threads(); }));
            TorchThreads.Set(1);
            // libtorch's own behaviour, the reason for TorchThreads: the worker keeps the count it started with.
            Assert.Equal(3, worker.Run(get_num_threads));
            var seen = new List<int>();   // filled on the worker, read after Run returns
            worker.Run(() =>
            {
                TorchRuntime.Seed(7, cudaToo: false);
                using var distiller = new Distiller(new TinyNet(Fixtures.Spec), [], [(new CrossEntropy(), 1.0)]);
                new Trainer(distiller, new SyntheticSource(32, 16, 1), new SyntheticSource(16, 16, 2), new TrainerOptions
                {
                    Epochs = 1,
                    Optimizer = OptimizerSpec.Sgd(0.1),
                    Schedule = ScheduleSpec.Cosine(),
                    Seed = 1,
                    CheckEvery = 1,
                    Progress = new ProgressHook<TrainingProgress>(_ => seen.Add(get_num_threads())),   // runs on the training thread
                    Log = TextWriter.Null,
                }).Fit();
                return 0;
            });
            Assert.Equal([1, 1, 1], seen);
            Assert.Equal(1, worker.Run(get_num_threads));
        }
        finally
        {
            TorchThreads.Set(1);
        }
    }

    /// <summary>One long-lived OS thread that runs the functions given to it, one at a time.</summary>
    sealed class Worker : IDisposable
    {
        readonly BlockingCollection<Action> work = new();
        readonly Thread thread;

        public Worker()
        {
            thread = new Thread(() => { foreach (var action in work.GetConsumingEnumerable()) action(); }) { IsBackground = true };
            thread.Start();
        }

        public T Run<T>(Func<T> function)
        {
            var done = new TaskCompletionSource<T>();
            work.Add(() => { try { done.SetResult(function()); } catch (Exception e) { done.SetException(e); } });
            return done.Task.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            work.CompleteAdding();
            thread.Join();
            work.Dispose();
        }
    }
}
