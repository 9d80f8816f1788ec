namespace Subquad.Cluster.Grains;

/// <summary>Persisted list of jobs (see <see cref="IJobRegistryGrain"/>).</summary>
internal sealed class JobRegistryGrain([PersistentState("registry", ClusterNames.Storage)] IPersistentState<RegistryState> state) : Grain, IJobRegistryGrain
{
    public async Task Add(string jobId)
    {
        if (!state.State.All.Contains(jobId)) state.State.All.Add(jobId);
        if (!state.State.Running.Contains(jobId)) state.State.Running.Add(jobId);
        await state.WriteStateAsync();
    }

    public async Task Finished(string jobId)
    {
        if (state.State.Running.Remove(jobId)) await state.WriteStateAsync();
    }

    public Task<List<string>> Running() => Task.FromResult(state.State.Running.ToList());

    public Task<List<string>> All() => Task.FromResult(state.State.All.ToList());
}

/// <summary>The registry's persisted lists.</summary>
[GenerateSerializer]
public sealed class RegistryState
{
    [Id(0)] public List<string> All { get; set; } = [];

    [Id(1)] public List<string> Running { get; set; } = [];
}
