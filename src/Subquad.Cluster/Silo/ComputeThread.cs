using System.Collections.Concurrent;

namespace Subquad.Cluster.Silo;

/// <summary>
/// One long-lived thread that runs a silo's chunks, one at a time, in the order given. Chunks used to run on
/// thread-pool threads (<c>Task.Run</c>): a chunk of seconds then held a pool thread that Orleans' scheduler also
/// uses, the pool injected threads to make up for it, and the engine's CPU could not be told apart from Orleans' own
/// (each chunk landed on another pool thread). On its own named thread the engine's CPU is one line in
/// <c>/proc/PID/task</c> (<c>bench/cluster/overhead.sh</c> reads it) and the pool keeps its threads for messaging.
/// </summary>
internal sealed class ComputeThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    /// <param name="name">The thread's name (Linux shows the first 15 characters).</param>
    public ComputeThread(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread after the work queued before it; its result or exception comes back through the task.</summary>
    public Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                done.TrySetResult(work());
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }, CancellationToken.None);
        return done.Task;
    }

    private void Loop()
    {
        foreach (var work in _work.GetConsumingEnumerable()) work();
    }

    /// <summary>Lets the thread finish what is queued and end.</summary>
    public void Dispose() => _work.CompleteAdding();
}
