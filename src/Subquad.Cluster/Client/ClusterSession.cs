using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Subquad.Cluster.Grains;
using Subquad.Cluster.Jobs;
using Subquad.Cluster.Silo;

namespace Subquad.Cluster.Client;

/// <summary>
/// A connection to a Subquad cluster: a client of a Redis-clustered set of silos, or (<c>local</c>) a one-process
/// cluster started here with localhost clustering and in-memory progress. Submits jobs, follows them and fetches
/// their answers; a client that goes away leaves the job running, and another can follow it by id.
/// </summary>
public sealed class ClusterSession : IAsyncDisposable
{
    private readonly IHost? _host;

    private ClusterSession(IHost? host, IGrainFactory grains, bool local)
    {
        _host = host;
        Grains = grains;
        IsLocal = local;
    }

    /// <summary>The cluster's grains.</summary>
    public IGrainFactory Grains { get; }

    /// <summary>True for a one-process cluster (its jobs end with the process).</summary>
    public bool IsLocal { get; }

    /// <summary>
    /// Connects to <paramref name="target"/>: "local" starts a one-process cluster whose silo runs each chunk on <paramref name="threads"/>
    /// threads and may read <paramref name="dataDirectories"/>; HOST:PORT is the cluster's Redis.
    /// </summary>
    /// <exception cref="ClusterException">Redis is unreachable or no silo accepts the connection.</exception>
    public static async Task<ClusterSession> Connect(string target, int? threads = null, IEnumerable<string>? dataDirectories = null, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        if (string.Equals(target, "local", StringComparison.Ordinal))
        {
            var settings = new ClusterSettings { SiloPort = FreePort(), GatewayPort = FreePort() };
            var worker = new SiloWorkerOptions { Threads = threads ?? Environment.ProcessorCount, DataDirectories = new DataDirectories(dataDirectories ?? []) };
            var host = ClusterHosting.BuildSilo(settings, worker, Microsoft.Extensions.Logging.LogLevel.Error);
            await host.StartAsync();
            return new ClusterSession(host, host.Services.GetRequiredService<IClusterClient>(), local: true);
        }

        var remote = new ClusterSettings { Redis = target, Certificate = certificate };
        if (remote.Refusal() is string refusal) throw new ClusterException(refusal);
        if (await ClusterHosting.CheckRedis(target) is string unreachable) throw new ClusterException(unreachable);
        var client = ClusterHosting.BuildClient(remote);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await client.StartAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SiloUnavailableException or OrleansException or TimeoutException or Orleans.Runtime.Messaging.ConnectionFailedException or System.Net.Sockets.SocketException)
        {
            client.Dispose();
            throw new ClusterException($"no silo of the cluster at Redis {target} accepts connections ({ex.Message.Split('\n')[0].Trim()}); start one with `subquad cluster silo --redis {target}`");
        }

        return new ClusterSession(client, client.Services.GetRequiredService<IClusterClient>(), local: false);
    }

    /// <summary>A session over a client owned by someone else (an in-process test cluster).</summary>
    internal static ClusterSession Over(IGrainFactory grains) => new(null, grains, local: false);

    /// <summary>Silos the cluster counts as active.</summary>
    public async Task<int> SilosAlive() => (await Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;

    /// <summary>Submits a job (idempotent for the same spec).</summary>
    public Task Submit(JobSpec spec) => Grains.GetGrain<IJobGrain>(spec.JobId).Submit(spec);

    /// <summary>A job's status.</summary>
    public Task<JobStatus> Status(string jobId) => Grains.GetGrain<IJobGrain>(jobId).Status();

    /// <summary>Every job the cluster knows.</summary>
    public Task<List<string>> Jobs() => Grains.GetGrain<IJobRegistryGrain>(0).All();

    /// <summary>
    /// Follows a job until it is done or failed, reporting progress with the number of live silos. Calls that fail
    /// while the cluster moves the job's coordinator are retried; when no silo has been reachable for
    /// <paramref name="noSilo"/> the wait gives up with a <see cref="ClusterException"/> (the job's progress stays in
    /// Redis, and <c>cluster result</c> can pick it up later).
    /// </summary>
    public async Task<JobStatus> Wait(string jobId, Action<JobStatus, int>? progress, TimeSpan noSilo, CancellationToken cancellationToken = default)
    {
        var lastContact = DateTime.UtcNow;
        string? lastError = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var status = await Status(jobId).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
                int silos = await SilosAlive().WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
                lastContact = DateTime.UtcNow;
                progress?.Invoke(status, silos);
                if (status.Phase == JobPhase.Unknown) throw new ClusterException($"job {jobId}: no such job on this cluster");
                if (status.Phase is JobPhase.Done or JobPhase.Failed) return status;
                if (silos == 0) throw new ClusterException($"job {jobId}: every silo is gone");
            }
            catch (Exception ex) when (ex is not ClusterException and not OperationCanceledException || ex is TimeoutException)
            {
                lastError = ex.Message.Split('\n')[0].Trim();
                if (DateTime.UtcNow - lastContact > noSilo)
                {
                    throw new ClusterException($"job {jobId}: no silo reachable for {noSilo.TotalSeconds:0} s ({lastError}); its progress is kept in Redis: start silos and run `subquad cluster result {jobId}`");
                }
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>A free TCP port on loopback (for the one-process cluster).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        // Stopping a client whose gateways are all gone can block inside Orleans: bound it and move on, the process
        // is ending anyway and the job's state is in the cluster.
        var stopping = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _host.StopAsync(timeout.Token);
            }
            catch (Exception)
            {
            }

            _host.Dispose();
        });
        await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(15)));
    }
}
