using System.Diagnostics;

namespace Subquad.Hardness.Reductions;

/// <summary>What one stage of a reduction chain did: calls, the sizes it built, and where the time went.</summary>
/// <remarks>Not thread-safe: a chain runs its stages on one thread (the solvers below may use many).</remarks>
public sealed class StageStats
{
    /// <summary>Creates empty statistics for a stage.</summary>
    public StageStats(string name, string reference)
    {
        Name = name;
        Reference = reference;
    }

    /// <summary>The stage ("A.4 bi->mono").</summary>
    public string Name { get; }

    /// <summary>The paper's number.</summary>
    public string Reference { get; }

    /// <summary>How many source problems this stage reduced.</summary>
    public long Reductions { get; internal set; }

    /// <summary>Queries the stage passed down.</summary>
    public long QueriesAsked { get; internal set; }

    /// <summary>Largest number of queries one reduction could ask (the paper's call count).</summary>
    public long MaxQueryCount { get; internal set; }

    /// <summary>Rows over all asked query instances (A plus B).</summary>
    public long VectorsBuilt { get; internal set; }

    /// <summary>Largest row count of one asked query instance (A plus B).</summary>
    public long MaxVectors { get; internal set; }

    /// <summary>Largest dimension of an asked query instance.</summary>
    public int MaxDimensions { get; internal set; }

    /// <summary>Candidate pairs over all asked query instances.</summary>
    public long PairsAsked { get; internal set; }

    /// <summary>Time spent in this stage itself (building queries, decoding), excluding the stages below.</summary>
    public TimeSpan OwnTime => Total.Elapsed - Below.Elapsed;

    /// <summary>Time spent in the stages below (answering the queries).</summary>
    public TimeSpan BelowTime => Below.Elapsed;

    internal Stopwatch Total { get; } = new();

    internal Stopwatch Below { get; } = new();

    /// <summary>Accounts one asked query.</summary>
    internal void Count(SimilarityQuery query)
    {
        QueriesAsked++;
        long rows = query.Instance.A.Count + (query.Instance.B?.Count ?? 0);
        VectorsBuilt += rows;
        MaxVectors = Math.Max(MaxVectors, rows);
        MaxDimensions = Math.Max(MaxDimensions, query.Instance.Dimensions);
        PairsAsked += query.Instance.PairCount;
    }
}
