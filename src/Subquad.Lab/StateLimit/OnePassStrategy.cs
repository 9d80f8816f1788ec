using System.Numerics;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Lab.StateLimit;

/// <summary>
/// The state-size limit made concrete (paper.md section 5): a recurrent model reads the documents once, left to right,
/// and all it knows about the past is its state. So it is a one-pass algorithm with that many bits of memory. This is
/// the natural best effort at S bits for the decision problems (OV, LSD_t, Min-IP_t, Max-IP_t, MSD_t, mono or
/// bichromatic): keep as many earlier vectors as fit, exactly and bit-packed (l bits each for binary rows, 32 d for
/// dense), compare every new vector against everything kept, and answer yes as soon as a pair meets the threshold.
/// </summary>
/// <remarks>
/// Bichromatic instances stream A then B: A vectors are kept, B vectors are only compared. Counters, indices and the
/// answer bit are not charged (O(log n) bits). It never answers yes wrongly; it answers no wrongly when the witness
/// was not kept. With S &gt;= n l it is exact (tested); below that its accuracy falls with S/(n l), and Mamba's or linear
/// attention's state (<see cref="Subquad.Models.Attention.MixerCost.StateBits"/>) plugged in as S bounds what that
/// model could achieve with this strategy.
/// </remarks>
public sealed class OnePassStrategy
{
    /// <summary>A strategy with <paramref name="stateBits"/> bits of memory.</summary>
    public OnePassStrategy(long stateBits, RetentionPolicy policy = RetentionPolicy.KeepFirst, int seed = 0)
    {
        Seed = seed;
        ArgumentOutOfRangeException.ThrowIfNegative(stateBits);
        StateBits = stateBits;
        Policy = policy;
    }

    /// <summary>S.</summary>
    public long StateBits { get; }

    /// <summary>Seed of the reservoir's draws.</summary>
    public int Seed { get; }

    /// <summary>The strategy's name in tables: "keep-first", "keep-by-weight", "reservoir".</summary>
    public static string PolicyName(RetentionPolicy policy) => policy switch
    {
        RetentionPolicy.KeepFirst => "keep-first",
        RetentionPolicy.KeepByWeight => "keep-by-weight",
        RetentionPolicy.Reservoir => "reservoir",
        RetentionPolicy.Sketch => "sketch",
        _ => policy.ToString(),
    };

    /// <summary>Which vectors are kept.</summary>
    public RetentionPolicy Policy { get; }

    /// <summary>Bits one vector of <paramref name="vectors"/> takes, packed.</summary>
    public static long BitsPerVector(VectorSet vectors) => vectors.IsBinary ? vectors.Dimensions : 32L * vectors.Dimensions;

    /// <summary>
    /// Decides <paramref name="problem"/> (a threshold problem or OV) in one pass over <paramref name="instance"/>: the
    /// same stream, the same kept set and the same answer, witness and comparison count as <see cref="RunReference"/>,
    /// with the kept rows held compacted side by side and compared by <see cref="PackedPairTest"/> (an AND and a popcount
    /// per pair, four OV pairs per vector instruction), so the top rungs cost what the exact engine's pair loop costs.
    /// </summary>
    public OnePassResult Run(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problem);
        if (!problem.IsDecision) throw new ArgumentException($"{problem} is not a decision problem; the one-pass strategy decides OV and threshold problems", nameof(problem));
        instance.Validate(problem);
        var test = new PackedPairTest(instance.A, instance.Right, problem);
        if (Policy == RetentionPolicy.Sketch) return RunSketch(instance, test, cancellationToken);
        if (!test.IsPacked) return RunReference(instance, problem, cancellationToken);
        long perVector = BitsPerVector(instance.A);
        int capacity = (int)Math.Min(int.MaxValue, StateBits / perVector);
        var kept = new KeptRows(test, Math.Min(capacity, instance.A.Count), Policy, problem.Kind, instance.A.Dimensions, Seed);
        bool ov = problem.Kind == ProblemKind.Ov;
        long comparisons = 0;

        if (!instance.IsBichromatic)
        {
            int count = instance.A.Count;
            for (int j = 0; j < count; j++)
            {
                if ((j & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                int slot = ov ? kept.FirstOrthogonal(test, j) : kept.FirstMeeting(test, j);
                if (slot >= 0)
                {
                    comparisons += slot + 1;
                    int i = kept.Index(slot), lo = Math.Min(i, j), hi = Math.Max(i, j);
                    return new(true, lo, hi, capacity, kept.Count * perVector, comparisons);
                }

                comparisons += kept.Count;
                if (capacity > 0) kept.Offer(j);
            }

            return new(false, -1, -1, capacity, kept.Count * perVector, comparisons);
        }

        if (capacity > 0)
        {
            for (int i = 0; i < instance.A.Count; i++) kept.Offer(i);
        }

        int right = instance.B!.Count;
        for (int j = 0; j < right; j++)
        {
            if ((j & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            int slot = ov ? kept.FirstOrthogonal(test, j) : kept.FirstMeeting(test, j);
            if (slot >= 0) return new(true, kept.Index(slot), j, capacity, kept.Count * perVector, comparisons + slot + 1);
            comparisons += kept.Count;
        }

        return new(false, -1, -1, capacity, kept.Count * perVector, comparisons);
    }

    /// <summary>The sketch's k: ceil(l / 2) sampled coordinates.</summary>
    public static int SketchCoordinates(int dimensions) => (dimensions + 1) / 2;

    /// <summary>The sketch's shared coordinate mask (seeded): k of the l coordinates, as compacted words.</summary>
    public static ulong[] SketchMask(int dimensions, int words, int seed)
    {
        var order = Enumerable.Range(0, dimensions).ToArray();
        new Random(seed).Shuffle(order);
        var mask = new ulong[words];
        foreach (int k in order.AsSpan(0, SketchCoordinates(dimensions))) mask[k >> 6] |= 1UL << (k & 63);
        return mask;
    }

    /// <summary>
    /// The coordinate-sample sketch (<see cref="RetentionPolicy.Sketch"/>): keep-first on sketches of k = ceil(l/2)
    /// bits (plus the weight, ceil(log2(l+1)) bits, for the threshold problems; the mask's l bits are charged once).
    /// </summary>
    private OnePassResult RunSketch(SimilarityInstance instance, PackedPairTest test, CancellationToken cancellationToken)
    {
        if (!test.IsPacked) throw new NotSupportedException("the sketch strategy needs binary rows");
        int l = instance.A.Dimensions, k = SketchCoordinates(l), words = test.Words;
        bool ov = instance.A is BinaryVectors && test.IsOv;
        long perVector = k + (ov ? 0 : (long)Math.Ceiling(Math.Log2(l + 1)));
        int capacity = StateBits < l ? 0 : (int)Math.Min(Math.Min(int.MaxValue, instance.A.Count), (StateBits - l) / perVector);
        var mask = SketchMask(l, words, Seed);
        var kept = new ulong[(long)capacity * words];
        var keptWeight = new int[capacity];
        var keptIndex = new int[capacity];
        int count = 0;
        long comparisons = 0;
        long Used() => count == 0 ? 0 : l + (count * perVector);

        int First(int j)
        {
            var row = test.RowB(j);
            int wj = test.WeightB(j);
            for (int s = 0; s < count; s++)
            {
                var x = kept.AsSpan(s * words, words);
                int ip = 0;
                for (int w = 0; w < words; w++) ip += BitOperations.PopCount(x[w] & row[w]);
                if (ov ? ip == 0 : test.MeetsInnerProduct((int)(((long)ip * l + (k / 2)) / k), keptWeight[s], wj)) return s;
            }

            return -1;
        }

        void Keep(int i)
        {
            if (count >= capacity) return;
            var row = test.RowA(i);
            for (int w = 0; w < words; w++) kept[(count * words) + w] = row[w] & mask[w];
            keptWeight[count] = test.WeightA(i);
            keptIndex[count++] = i;
        }

        if (!instance.IsBichromatic)
        {
            for (int j = 0; j < instance.A.Count; j++)
            {
                if ((j & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                int s = First(j);
                if (s >= 0) return new(true, Math.Min(keptIndex[s], j), Math.Max(keptIndex[s], j), capacity, Used(), comparisons + s + 1);
                comparisons += count;
                Keep(j);
            }

            return new(false, -1, -1, capacity, Used(), comparisons);
        }

        for (int i = 0; i < instance.A.Count; i++) Keep(i);
        for (int j = 0; j < instance.B!.Count; j++)
        {
            if ((j & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            int s = First(j);
            if (s >= 0) return new(true, keptIndex[s], j, capacity, Used(), comparisons + s + 1);
            comparisons += count;
        }

        return new(false, -1, -1, capacity, Used(), comparisons);
    }

    /// <summary>The scalar reference: the stream pair by pair through <see cref="PairScoring.Score"/> and <see cref="ScoreOrder.MeetsThreshold"/>.</summary>
    public OnePassResult RunReference(SimilarityInstance instance, Problem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problem);
        if (!problem.IsDecision) throw new ArgumentException($"{problem} is not a decision problem; the one-pass strategy decides OV and threshold problems", nameof(problem));
        instance.Validate(problem);
        if (Policy == RetentionPolicy.Sketch) return Run(instance, problem, cancellationToken); // the sketch has one implementation (tested against a scalar sketch in the tests)
        var kind = problem.Kind;
        var t = problem.Threshold ?? default;
        long perVector = BitsPerVector(instance.A);
        int capacity = (int)Math.Min(int.MaxValue, StateBits / perVector);
        var kept = new List<int>();
        long comparisons = 0;
        bool lighterIsBetter = kind is ProblemKind.Ov or ProblemKind.Lsd or ProblemKind.MinIp;
        var random = new Random(Seed);
        long seen = 0;

        void Offer(VectorSet set, int index)
        {
            if (capacity == 0) return;
            seen++;
            if (kept.Count < capacity)
            {
                kept.Add(index);
                return;
            }

            if (Policy == RetentionPolicy.Reservoir)
            {
                long slot = random.NextInt64(seen);
                if (slot < capacity) kept[(int)slot] = index;
                return;
            }

            if (Policy != RetentionPolicy.KeepByWeight) return;
            int worst = 0;
            for (int s = 1; s < kept.Count; s++)
            {
                if (Worse(Weight(set, kept[s]), Weight(set, kept[worst]))) worst = s;
            }

            if (Worse(Weight(set, kept[worst]), Weight(set, index))) kept[worst] = index;
        }

        bool Worse(double x, double y) => lighterIsBetter ? x > y : x < y;

        if (!instance.IsBichromatic)
        {
            var a = instance.A;
            for (int j = 0; j < a.Count; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (int i in kept)
                {
                    comparisons++;
                    int lo = Math.Min(i, j), hi = Math.Max(i, j);
                    if (ScoreOrder.MeetsThreshold(kind, PairScoring.Score(kind, a, lo, a, hi), t)) return new(true, lo, hi, capacity, kept.Count * perVector, comparisons);
                }

                Offer(a, j);
            }

            return new(false, -1, -1, capacity, kept.Count * perVector, comparisons);
        }

        for (int i = 0; i < instance.A.Count; i++) Offer(instance.A, i);
        var b = instance.B!;
        for (int j = 0; j < b.Count; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (int i in kept)
            {
                comparisons++;
                if (ScoreOrder.MeetsThreshold(kind, PairScoring.Score(kind, instance.A, i, b, j), t)) return new(true, i, j, capacity, kept.Count * perVector, comparisons);
            }
        }

        return new(false, -1, -1, capacity, kept.Count * perVector, comparisons);
    }

    private static double Weight(VectorSet set, int index) => set switch
    {
        BinaryVectors binary => binary.Weight(index),
        DenseVectors dense => dense.Norm(index),
        _ => 0,
    };
}
