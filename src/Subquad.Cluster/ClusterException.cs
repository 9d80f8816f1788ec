namespace Subquad.Cluster;

/// <summary>A cluster job cannot run or finish as asked (Redis unreachable, no silo, a silo refused the input): one line, exit 2.</summary>
public sealed class ClusterException(string message) : Exception(message);
