using System.Runtime.ExceptionServices;
using Subquad.Core.Solvers;

namespace Subquad.Core.Engine;

/// <summary>
/// Runs a plan's tasks on worker threads with dynamic balancing: each worker takes the next task index from one
/// shared counter, so fast and slow tasks (pruned, early-exiting, diagonal) even out. Each worker owns its reducer;
/// the caller merges them. Progress is reported per finished task; cancellation is checked between tasks.
/// </summary>
internal static class EngineExecutor
{
    public static void Run(EngineContext context, IReadOnlyList<PairReducer> reducers, SolveOptions options)
    {
        var plan = context.Plan;
        int workers = reducers.Count;
        long total = Math.Max(1, context.Plan.PairCount);
        long done = 0;
        long next = -1;
        int stop = 0;
        Exception? failure = null;
        var token = options.CancellationToken;
        var progress = options.Progress;

        void Work(int worker)
        {
            try
            {
                var reducer = reducers[worker];
                var runner = context.CreateRunner();
                while (Volatile.Read(ref stop) == 0)
                {
                    if (token.IsCancellationRequested)
                    {
                        Volatile.Write(ref stop, 1);
                        break;
                    }

                    long index = Interlocked.Increment(ref next);
                    if (index >= plan.TaskCount) break;
                    var task = plan.TaskAt(index);
                    if (!reducer.SkipTask(task)) runner.Run(task, reducer);

                    reducer.EndTask(task);
                    long now = Interlocked.Add(ref done, task.PairCount);
                    progress?.Report(Math.Min(1.0, (double)now / total));
                }
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
                Volatile.Write(ref stop, 1);
                foreach (var reducer in reducers) reducer.WorkerFailed(); // release workers a reducer holds back
            }
        }

        if (workers == 1)
        {
            Work(0);
        }
        else
        {
            var threads = new Thread[workers - 1];
            for (int w = 1; w < workers; w++)
            {
                int worker = w;
                threads[w - 1] = new Thread(() => Work(worker)) { IsBackground = true, Name = $"subquad-engine-{w}" };
                threads[w - 1].Start();
            }

            Work(0);
            foreach (var thread in threads) thread.Join();
        }

        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        token.ThrowIfCancellationRequested();
    }

    /// <summary>The worker count for a plan: the requested threads (all cores by default), at most one per task.</summary>
    public static int Workers(SolveOptions options, EnginePlan plan)
    {
        int requested = options.Threads ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(requested, 1, nameof(options.Threads));
        return (int)Math.Max(1, Math.Min(requested, plan.TaskCount));
    }
}
