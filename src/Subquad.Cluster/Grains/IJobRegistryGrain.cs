namespace Subquad.Cluster.Grains;

/// <summary>The cluster's list of jobs (key 0): silos poll it for running jobs; <c>cluster status</c> lists it.</summary>
public interface IJobRegistryGrain : IGrainWithIntegerKey
{
    Task Add(string jobId);

    Task Finished(string jobId);

    Task<List<string>> Running();

    Task<List<string>> All();
}
