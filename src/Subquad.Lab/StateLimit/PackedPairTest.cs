using System.Numerics;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Lab.StateLimit;

/// <summary>
/// The one-pass strategies' pair test at the engine's cost: binary rows compacted to ceil(l / 64) words (the engine's
/// rows are padded to 512 bits) and the threshold turned into an inner-product limit per (weight_i, weight_j), so a
/// comparison is an AND, a popcount and one table look-up instead of <see cref="PairScoring.Score"/> plus an exact
/// rational comparison. The limit table is built from <see cref="ScoreOrder.MeetsThreshold"/> itself (every score of
/// a pair with those weights is tried), so the fast test decides exactly what the reference decides; it is tested
/// against it on random inputs. Dense rows (and any problem whose test is not monotone in the inner product, which
/// none is) fall back to the reference.
/// </summary>
public sealed class PackedPairTest
{
    private readonly VectorSet _a;
    private readonly VectorSet _b;
    private readonly ProblemKind _kind;
    private readonly Rational _t;
    private readonly ulong[]? _wordsA;
    private readonly ulong[]? _wordsB;
    private readonly int[]? _weightA;
    private readonly int[]? _weightB;
    private readonly int _words;
    private readonly int _stride;
    private readonly bool _maximises;
    private readonly int[]? _limit; // minimising: meets iff ip <= limit; maximising: iff ip >= limit; int.MinValue = not computed

    /// <summary>A test for pairs (i in <paramref name="a"/>, j in <paramref name="b"/>) of <paramref name="problem"/>.</summary>
    public PackedPairTest(VectorSet a, VectorSet b, Problem problem)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(problem);
        _a = a;
        _b = b;
        _kind = problem.Kind;
        _t = problem.Threshold ?? default;
        _maximises = _kind.Maximises() && _kind != ProblemKind.Ov;
        if (a is BinaryVectors ba && b is BinaryVectors bb && a.Dimensions <= 4096)
        {
            _words = Math.Max(1, (a.Dimensions + 63) / 64);
            _wordsA = Compact(ba, _words);
            _weightA = ba.Weights.ToArray();
            if (ReferenceEquals(a, b))
            {
                _wordsB = _wordsA;
                _weightB = _weightA;
            }
            else
            {
                _wordsB = Compact(bb, _words);
                _weightB = bb.Weights.ToArray();
            }

            _stride = a.Dimensions + 1;
            _limit = new int[_stride * _stride];
            Array.Fill(_limit, int.MinValue);
        }
    }

    /// <summary>True for OV (the test is "inner product 0").</summary>
    public bool IsOv => _kind == ProblemKind.Ov;

    /// <summary>Weight of row j of B.</summary>
    public int WeightB(int j) => _weightB![j];

    /// <summary>True when the packed path is used (binary rows).</summary>
    public bool IsPacked => _limit is not null;

    /// <summary>Words per compacted row.</summary>
    public int Words => _words;

    /// <summary>Row <paramref name="i"/> of A, compacted.</summary>
    public ReadOnlySpan<ulong> RowA(int i) => _wordsA.AsSpan(i * _words, _words);

    /// <summary>Row <paramref name="j"/> of B, compacted.</summary>
    public ReadOnlySpan<ulong> RowB(int j) => _wordsB.AsSpan(j * _words, _words);

    /// <summary>Weight of row i of A.</summary>
    public int WeightA(int i) => _weightA![i];

    /// <summary>True when (i in A, j in B) meets the problem's condition (exactly what the reference decides).</summary>
    public bool Meets(int i, int j)
    {
        if (_limit is null) return ScoreOrder.MeetsThreshold(_kind, PairScoring.Score(_kind, _a, i, _b, j), _t);
        return MeetsPacked(_wordsA.AsSpan(i * _words, _words), _weightA![i], j);
    }

    /// <summary>True when a kept copy (<paramref name="row"/>, <paramref name="weight"/>) of a row of A meets row j of B.</summary>
    public bool MeetsPacked(ReadOnlySpan<ulong> row, int weight, int j)
    {
        var other = _wordsB.AsSpan(j * _words, _words);
        int ip = 0;
        for (int w = 0; w < row.Length; w++) ip += BitOperations.PopCount(row[w] & other[w]);
        int limit = Limit(weight, _weightB![j]);
        return _maximises ? ip >= limit : ip <= limit;
    }

    /// <summary>True when a pair with weights (wi, wj) and inner product <paramref name="ip"/> meets the condition (binary rows only).</summary>
    public bool MeetsInnerProduct(int ip, int wi, int wj)
    {
        // An estimate (the sketch's) may exceed the weights, where the table has no entry: decide it directly.
        if (ip > Math.Min(wi, wj)) return ScoreOrder.MeetsThreshold(_kind, PairScore.Binary(_kind, ip, wi, wj), _t);
        int limit = Limit(wi, wj);
        return _maximises ? ip >= limit : ip <= limit;
    }

    /// <summary>True when a pair meets the condition at inner products at or above its limit (else at or below).</summary>
    public bool MeetsAbove => _maximises;

    /// <summary>The inner-product limit for weights (wi, wj): computed once from the reference comparison.</summary>
    public int Limit(int wi, int wj)
    {
        ref int slot = ref _limit![(wi * _stride) + wj];
        if (slot != int.MinValue) return slot;
        int top = Math.Min(wi, wj);
        // meets(ip) for ip = 0..top; it is monotone (down-closed for minimising kinds, up-closed for maximising ones).
        int limit = _maximises ? top + 1 : -1;
        for (int ip = 0; ip <= top; ip++)
        {
            bool meets = ScoreOrder.MeetsThreshold(_kind, PairScore.Binary(_kind, ip, wi, wj), _t);
            if (_maximises)
            {
                if (meets && limit == top + 1) limit = ip;
                if (!meets && limit != top + 1) throw new InvalidOperationException($"{_kind}: threshold test is not monotone in the inner product at weights ({wi}, {wj})");
            }
            else
            {
                if (meets && limit != ip - 1) throw new InvalidOperationException($"{_kind}: threshold test is not monotone in the inner product at weights ({wi}, {wj})");
                if (meets) limit = ip;
            }
        }

        slot = limit;
        return limit;
    }

    private static ulong[] Compact(BinaryVectors v, int words)
    {
        var result = new ulong[(long)v.Count * words];
        for (int i = 0; i < v.Count; i++) v.Row(i)[..words].CopyTo(result.AsSpan(i * words, words));
        return result;
    }
}
