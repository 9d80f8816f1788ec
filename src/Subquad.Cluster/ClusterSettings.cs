using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Subquad.Cluster;

/// <summary>
/// Where a silo or client finds its cluster and how it talks: Redis (HOST:PORT) for membership and job progress, or
/// none for a one-process cluster; the silo's address and ports; TLS.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>Redis as HOST:PORT; null: localhost clustering and in-memory progress (one process).</summary>
    public string? Redis { get; init; }

    /// <summary>The address silos listen on and advertise (loopback unless told otherwise).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>A certificate (PKCS#12, with its private key) for TLS between silos and clients; required off loopback.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Redis connection string with bounded connect time.</summary>
    public string RedisConnection => $"{Redis},connectTimeout=3000,syncTimeout=5000,abortConnect=false";

    /// <summary>
    /// Null when the settings may be used, else the one-line reason: a silo binds to loopback unless a TLS
    /// certificate is given, and Redis must be HOST:PORT.
    /// </summary>
    public string? Refusal()
    {
        if (!IPAddress.IsLoopback(Address) && Certificate is null)
        {
            return $"--bind {Address}: binding to a non-loopback address needs TLS; give --tls-cert FILE.pfx (refusing to start an unencrypted silo)";
        }

        if (Redis is not null && !TryParseEndpoint(Redis, out _, out _)) return $"--redis {Redis}: expected HOST:PORT";
        return null;
    }

    /// <summary>Parses HOST:PORT.</summary>
    public static bool TryParseEndpoint(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535) return false;
        host = text[..colon];
        return true;
    }
}
