namespace Subquad.Cluster.Grains;

/// <summary>Persisted list of jobs (see <see cref="IJobRegistryGrain"/>).</summary>
internal sealed class JobRegistryGrain([PersistentState("registry", ClusterNames.Storage)] IPersistentState<RegistryState> state) : Grain, IJobRegistryGrain
{
    /// <summary>The longest a <see cref="RunningChanged"/> call waits.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(5);

    /// <summary>Completed (and replaced) whenever the running list changes; long polls wait on it.</summary>
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task Add(string jobId)
    {
        if (!state.State.All.Contains(jobId)) state.State.All.Add(jobId);
        if (!state.State.Running.Contains(jobId)) state.State.Running.Add(jobId);
        await state.WriteStateAsync();
        Changed();
    }

    public async Task Finished(string jobId)
    {
        if (state.State.Running.Remove(jobId))
        {
            await state.WriteStateAsync();
            Changed();
        }
    }

    public Task<List<string>> Running() => Task.FromResult(state.State.Running.ToList());

    public async Task<List<string>> RunningChanged(List<string> known, TimeSpan wait)
    {
        if (state.State.Running.SequenceEqual(known))
        {
            var bounded = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestWait ? LongestWait : wait;
            await Task.WhenAny(_changed.Task, Task.Delay(bounded));
        }

        return state.State.Running.ToList();
    }

    public Task<List<string>> All() => Task.FromResult(state.State.All.ToList());

    private void Changed()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}

/// <summary>The registry's persisted lists.</summary>
[GenerateSerializer]
public sealed class RegistryState
{
    [Id(0)] public List<string> All { get; set; } = [];

    [Id(1)] public List<string> Running { get; set; } = [];
}
