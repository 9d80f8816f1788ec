using System.Net;
using Subquad.Cluster.Silo;

namespace Subquad.Cluster.Tests;

/// <summary>Silos bind to loopback unless given a certificate; jobs cannot name paths outside the silo's data directories.</summary>
public class SecurityTests
{
    [Fact]
    public void ANonLoopbackBindWithoutACertificateIsRefused()
    {
        Assert.Null(new ClusterSettings { Redis = "127.0.0.1:6379" }.Refusal());
        Assert.Null(new ClusterSettings { Redis = "127.0.0.1:6379", Address = IPAddress.IPv6Loopback }.Refusal());
        var refusal = new ClusterSettings { Redis = "127.0.0.1:6379", Address = IPAddress.Parse("10.1.2.3") }.Refusal();
        Assert.NotNull(refusal);
        Assert.Contains("needs TLS", refusal);
        Assert.Contains("expected HOST:PORT", new ClusterSettings { Redis = "127.0.0.1" }.Refusal());
        Assert.Contains("expected HOST:PORT", new ClusterSettings { Redis = "127.0.0.1:70000" }.Refusal());
    }

    [Fact]
    public void PathsOutsideTheDataDirectoriesAreRefusedAfterResolvingDotsAndLinks()
    {
        var root = Directory.CreateTempSubdirectory("subquad-datadir-");
        var outside = Directory.CreateTempSubdirectory("subquad-outside-");
        try
        {
            string inside = Path.Combine(root.FullName, "a.npy");
            File.WriteAllText(inside, "x");
            string secret = Path.Combine(outside.FullName, "secret.npy");
            File.WriteAllText(secret, "x");
            string link = Path.Combine(root.FullName, "link.npy");
            File.CreateSymbolicLink(link, secret);
            var dirs = new DataDirectories([root.FullName]);
            Assert.Null(dirs.Refusal(inside));
            Assert.NotNull(dirs.Refusal(secret));
            Assert.NotNull(dirs.Refusal(Path.Combine(root.FullName, "..", outside.Name, "secret.npy")));
            Assert.NotNull(dirs.Refusal(link));
            Assert.NotNull(dirs.Refusal(root.FullName + "-sibling/a.npy"));
            Assert.Contains("without --data-dir", new DataDirectories([]).Refusal(inside));
        }
        finally
        {
            root.Delete(recursive: true);
            outside.Delete(recursive: true);
        }
    }
}
