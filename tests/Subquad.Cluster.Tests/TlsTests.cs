using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Subquad.Cluster.Client;
using Subquad.Cluster.Jobs;
using Subquad.Cluster.Silo;
using Subquad.Core.Problems;

namespace Subquad.Cluster.Tests;

/// <summary>
/// TLS on loopback with self-signed certificates made here: a silo and a client holding the same (pinned)
/// certificate complete the handshake and run a job; a client with another certificate, or without TLS, is refused;
/// the silo presents exactly the pinned certificate to a raw TLS client.
/// </summary>
public class TlsTests
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(60);

    /// <summary>A self-signed certificate for both ends of a TLS connection (server and client authentication).</summary>
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, as `--tls-cert FILE.pfx` loads it (an ephemeral key cannot be used by SslStream on Linux).
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    private static async Task<IHost> StartSilo(X509Certificate2 certificate, string dataDirectory)
    {
        var settings = new ClusterSettings { SiloPort = ClusterSession.FreePort(), GatewayPort = ClusterSession.FreePort(), Certificate = certificate };
        Assert.True(IPAddress.IsLoopback(settings.Address));
        var silo = ClusterHosting.BuildSilo(settings, new SiloWorkerOptions { Threads = 1, DataDirectories = new DataDirectories([dataDirectory]) }, LogLevel.Critical);
        using var timeout = new CancellationTokenSource(Connect);
        await silo.StartAsync(timeout.Token);
        return silo;
    }

    private static int GatewayPort(IHost silo) =>
        silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.EndpointOptions>>().Value.GatewayPort;

    /// <summary>
    /// Starts a client of the silo; the exception when it cannot connect within <paramref name="limit"/> (an Orleans
    /// client whose handshakes fail keeps retrying the gateway, so a refusal shows as no connection in that time).
    /// </summary>
    private static async Task<(IHost? Client, Exception? Failure)> TryClient(int gatewayPort, X509Certificate2? certificate, TimeSpan limit)
    {
        var client = ClusterHosting.BuildClient(new ClusterSettings { GatewayPort = gatewayPort, Certificate = certificate });
        try
        {
            using var timeout = new CancellationTokenSource(limit);
            await client.StartAsync(timeout.Token);
            // Connected at the transport level: a grain call must also go through.
            await client.Services.GetRequiredService<IClusterClient>().GetGrain<Grains.IJobRegistryGrain>(0).All().WaitAsync(TimeSpan.FromSeconds(30));
            return (client, null);
        }
        catch (Exception ex)
        {
            client.Dispose();
            return (null, ex);
        }
    }

    private static async Task Stop(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            host.Dispose();
        }
    }

    [Fact]
    public async Task ASiloAndAClientWithThePinnedCertificateRunAJobAndOthersAreRefused()
    {
        using var pinned = SelfSigned("subquad-test-cluster");
        using var other = SelfSigned("subquad-test-cluster"); // same name, another key: pinning is by certificate, not by name
        Assert.NotEqual(pinned.GetCertHashString(), other.GetCertHashString());
        var data = Directory.CreateTempSubdirectory("subquad-tls-");
        var silo = await StartSilo(pinned, data.FullName);
        try
        {
            int gateway = GatewayPort(silo);

            // The silo presents the pinned certificate in a real handshake (a raw TLS client on loopback).
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync(IPAddress.Loopback, gateway, TestContext.Current.CancellationToken);
                await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    ClientCertificates = [pinned],
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, TestContext.Current.CancellationToken);
                Assert.True(tls.IsAuthenticated);
                Assert.True(tls.IsMutuallyAuthenticated);
                Assert.Equal(pinned.GetCertHashString(), tls.RemoteCertificate!.GetCertHashString());
            }

            // A raw TLS client with another certificate: the silo ends the connection (in the handshake, or, with
            // TLS 1.3, right after it when it checks the client's certificate).
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync(IPAddress.Loopback, gateway, TestContext.Current.CancellationToken);
                await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
                bool closed;
                try
                {
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = "localhost",
                        ClientCertificates = [other],
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
                    }, TestContext.Current.CancellationToken);
                    var buffer = new byte[16];
                    closed = await tls.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken) == 0;
                }
                catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or SocketException)
                {
                    closed = true;
                }

                Assert.True(closed, "the silo kept a TLS connection from a client with another certificate");
            }

            // A client with the pinned certificate: connects and runs a job to the local engine's answer.
            var (client, failure) = await TryClient(gateway, pinned, Connect);
            Assert.True(client is not null, $"the client with the pinned certificate was refused: {failure}");
            try
            {
                var session = ClusterSession.Over(client.Services.GetRequiredService<IClusterClient>());
                var instance = Instances.Make(new Random(41), false, false, 300, 16);
                var files = ClusterJobs.Write(data.FullName, instance, "tls");
                var job = ClusterJobs.Spec(data.FullName, instance, files, Problem.Exact(ProblemKind.MaxIp), chunkTasks: 3);
                await session.Submit(job);
                var status = await session.Wait(job.JobId, null, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
                Assert.Equal(JobPhase.Done, status.Phase);
                ClusterJobs.Same(ClusterJobs.Local(job.Load(), job), JobResults.Answers(status), "over TLS");
            }
            finally
            {
                await Stop(client);
            }

            // Another certificate (valid, same subject) and no TLS at all: refused, no grain call goes through.
            var (wrong, wrongFailure) = await TryClient(gateway, other, TimeSpan.FromSeconds(15));
            if (wrong is not null) await Stop(wrong);
            Assert.True(wrong is null, "a client with another certificate was let in");
            Assert.NotNull(wrongFailure);
            var (plain, plainFailure) = await TryClient(gateway, null, TimeSpan.FromSeconds(15));
            if (plain is not null) await Stop(plain);
            Assert.True(plain is null, "a client without TLS was let in");
            Assert.NotNull(plainFailure);
        }
        finally
        {
            await Stop(silo);
            data.Delete(recursive: true);
        }
    }
}
