using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;
using Subquad.Cluster.Silo;

namespace Subquad.Cluster;

/// <summary>
/// Builds silos and clients of a Subquad cluster on Orleans: Redis clustering and Redis grain storage when a Redis
/// endpoint is given (any silo may die: job progress lives in Redis), localhost clustering and memory storage for a
/// one-process cluster. Membership is tuned to declare a killed silo dead within about 10 s.
/// </summary>
public static class ClusterHosting
{
    /// <summary>A silo host (not started).</summary>
    public static IHost BuildSilo(ClusterSettings settings, SiloWorkerOptions worker, LogLevel logLevel = LogLevel.Warning)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        }).SetMinimumLevel(logLevel);
        // Orleans' own notes (ServerGC advice, membership chatter) only from errors up; the worker's job lines as asked.
        builder.Logging.AddFilter("Orleans", logLevel < LogLevel.Error ? LogLevel.Error : logLevel);
        builder.Logging.AddFilter("Microsoft", logLevel < LogLevel.Warning ? LogLevel.Warning : logLevel);
        builder.UseOrleans(silo =>
        {
            ConfigureSilo(silo, settings);
            AddWorker(silo, worker);
        });
        return builder.Build();
    }

    /// <summary>Everything a Subquad silo needs, on an Orleans silo builder (also used by the in-process test cluster).</summary>
    public static void ConfigureSilo(ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterNames.ClusterId;
            o.ServiceId = ClusterNames.ClusterId;
        });
        if (settings.Redis is null)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            silo.AddMemoryGrainStorage(ClusterNames.Storage);
        }
        else
        {
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.RedisConnection));
            silo.AddRedisGrainStorage(ClusterNames.Storage, o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.RedisConnection));
        }

        silo.ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
        ConfigureFailureDetection(silo);
        if (settings.Certificate is { } certificate)
        {
            silo.UseTls(certificate, o =>
            {
                o.RemoteCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
                o.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
                o.RemoteCertificateValidation = (remote, _, _) => remote is not null && remote.GetCertHashString() == certificate.GetCertHashString();
            });
        }
    }

    /// <summary>The work-pulling worker (<see cref="SiloWorker"/>) on a silo.</summary>
    public static void AddWorker(ISiloBuilder silo, SiloWorkerOptions worker)
    {
        silo.Services.AddSingleton(worker);
        silo.Services.AddHostedService<SiloWorker>();
    }

    /// <summary>
    /// Membership and messaging timeouts: a killed silo is declared dead after 3 missed probes of 3 s (about 10 s),
    /// a lost call fails in 10 s. Tighter settings declared healthy silos dead on an overloaded machine (a silo
    /// declared dead stops itself), so these are the tightest that held under load.
    /// </summary>
    public static void ConfigureFailureDetection(ISiloBuilder silo)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(3);
            o.NumMissedProbesLimit = 3;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
    }

    /// <summary>A client (not started) of a Redis-clustered cluster, or without Redis of the one-process silo at <see cref="ClusterSettings.GatewayPort"/> on loopback.</summary>
    public static IHost BuildClient(ClusterSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterNames.ClusterId;
                o.ServiceId = ClusterNames.ClusterId;
            });
            if (settings.Redis is null) client.UseLocalhostClustering(settings.GatewayPort, ClusterNames.ClusterId, ClusterNames.ClusterId);
            else client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.RedisConnection));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            if (settings.Certificate is { } certificate)
            {
                client.UseTls(certificate, o =>
                {
                    o.RemoteCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
                    o.RemoteCertificateValidation = (remote, _, _) => remote is not null && remote.GetCertHashString() == certificate.GetCertHashString();
                });
            }
        });
        return builder.Build();
    }

    /// <summary>Null when Redis answers PING within 3 s, else why not (one line).</summary>
    public static async Task<string?> CheckRedis(string endpoint)
    {
        try
        {
            var options = ConfigurationOptions.Parse($"{endpoint},connectTimeout=3000,abortConnect=true");
            using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            await redis.GetDatabase().PingAsync();
            return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ArgumentException or System.Net.Sockets.SocketException)
        {
            // StackExchange.Redis explains at length; its first sentence is the reason.
            string reason = ex.Message.Split('\n')[0].Trim();
            int stop = reason.IndexOf(". ", StringComparison.Ordinal);
            return $"Redis at {endpoint} is unreachable ({(stop > 0 ? reason[..stop] : reason)})";
        }
    }
}
