using Orleans.Concurrency;

namespace Subquad.Cluster.Grains;

/// <summary>The cluster's list of jobs (key 0): idle silos wait on it for running jobs; <c>cluster status</c> lists it.</summary>
public interface IJobRegistryGrain : IGrainWithIntegerKey
{
    Task Add(string jobId);

    Task Finished(string jobId);

    Task<List<string>> Running();

    /// <summary>
    /// The running jobs as soon as they differ from <paramref name="known"/>, or after <paramref name="wait"/> (at
    /// most 5 s, well inside the 10 s call timeout): a long poll, so an idle silo hears of a new job within
    /// milliseconds without asking several times a second. Interleaves with the other calls (it only waits).
    /// </summary>
    [AlwaysInterleave]
    Task<List<string>> RunningChanged(List<string> known, TimeSpan wait);

    Task<List<string>> All();
}
