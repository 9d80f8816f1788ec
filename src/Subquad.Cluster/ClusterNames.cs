namespace Subquad.Cluster;

/// <summary>Names every silo and client of a Subquad cluster agrees on.</summary>
public static class ClusterNames
{
    /// <summary>Orleans cluster and service id.</summary>
    public const string ClusterId = "subquad";

    /// <summary>The grain storage provider of job progress.</summary>
    public const string Storage = "subquad";
}
