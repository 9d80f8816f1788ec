using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Subquad.Cluster.Client;
using Subquad.Cluster.Silo;

namespace Subquad.Cluster.Tests;

/// <summary>An in-process cluster of silos running the Subquad worker, with storage that survives killed silos.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(InProcessTestCluster cluster, string dataDirectory)
    {
        Cluster = cluster;
        DataDirectory = dataDirectory;
        Session = ClusterSession.Over(cluster.Client);
    }

    public InProcessTestCluster Cluster { get; }

    public ClusterSession Session { get; }

    /// <summary>The only directory the silos may read.</summary>
    public string DataDirectory { get; }

    public static async Task<TestCluster> Start(int silos, TimeSpan chunkDelay, string? dataDirectory = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("subquad-cluster-").FullName;
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.InitialSilosCount = (short)silos;
        string data = dataDirectory;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(ClusterNames.Storage, (sp, _) => new SharedGrainStorage(sp.GetRequiredService<Serializer>()));
            ClusterHosting.AddWorker(silo, new SiloWorkerOptions { Threads = 1, DataDirectories = new DataDirectories([data]), ChunkDelay = chunkDelay });
            ClusterHosting.ConfigureFailureDetection(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new TestCluster(cluster, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
