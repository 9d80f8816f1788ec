using Subquad.Core.Engine;
using Subquad.Core.Problems;

namespace Subquad.Cluster.Jobs;

/// <summary>A scored pair as it travels between silos and is persisted: every field of the oracle's score, bit for bit.</summary>
[GenerateSerializer, Immutable]
public sealed record WirePair
{
    [Id(0)] public int I { get; init; }

    [Id(1)] public int J { get; init; }

    [Id(2)] public bool IsExact { get; init; }

    [Id(3)] public long InnerProduct { get; init; }

    [Id(4)] public long WeightI { get; init; }

    [Id(5)] public long WeightJ { get; init; }

    /// <summary>The float64 score's bits (a double would survive too; bits make "bit for bit" explicit for JSON storage).</summary>
    [Id(6)] public long ValueBits { get; init; }

    internal static WirePair From(ScoredPair p) => new()
    {
        I = p.I,
        J = p.J,
        IsExact = p.Score.IsExact,
        InnerProduct = p.Score.InnerProduct,
        WeightI = p.Score.WeightI,
        WeightJ = p.Score.WeightJ,
        ValueBits = BitConverter.DoubleToInt64Bits(p.Score.Value),
    };

    internal ScoredPair ToScored() => new(I, J, new PairScore
    {
        IsExact = IsExact,
        InnerProduct = InnerProduct,
        WeightI = WeightI,
        WeightJ = WeightJ,
        Value = BitConverter.Int64BitsToDouble(ValueBits),
    });

    internal static List<WirePair> From(IEnumerable<ScoredPair> pairs) => pairs.Select(From).ToList();

    internal static List<ScoredPair> ToScored(IEnumerable<WirePair> pairs) => pairs.Select(p => p.ToScored()).ToList();
}
