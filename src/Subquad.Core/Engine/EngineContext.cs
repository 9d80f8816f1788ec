using Subquad.Core.Kernels;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Core.Engine;

/// <summary>
/// One solve's prepared input: the row order (identity, or sorted for pruning), per-position weights, norms and row
/// pointers, per-block bounds, the objective's direction and the kernel variant. Read-only while workers run.
/// </summary>
internal sealed unsafe class EngineContext
{
    private readonly AlignedBuffer<ulong>? _zeroRow;

    public EngineContext(
        SimilarityInstance instance, ProblemKind scoreKind, bool maximise, KernelVariant variant, EnginePath path, int blockRows, bool sortForPruning, bool pruning,
        long int8CopyBudget = QuantizedRows.BudgetBytes, long slicedCopyBudget = SlicedCopyBudgetBytes)
    {
        Instance = instance;
        ScoreKind = scoreKind;
        Maximise = maximise;
        Cosine = scoreKind.IsCosine();
        Hamming = scoreKind.IsHamming();
        Variant = KernelDispatch.Require(variant);
        Path = EnginePaths.Require(path, variant, instance.IsBinary, instance.Dimensions, blockRows);
        Pruning = pruning;
        Monochromatic = !instance.IsBichromatic;
        CountA = instance.A.Count;
        CountB = instance.Right.Count;
        Dimensions = instance.Dimensions;
        IsBinary = instance.IsBinary;

        OrderA = Identity(CountA);
        if (sortForPruning)
        {
            var keys = RowStrength(instance.A);
            Array.Sort(keys.ToArray(), OrderA);
            Array.Reverse(OrderA);
        }

        OrderB = Monochromatic ? OrderA : Identity(CountB);
        if (sortForPruning && !Monochromatic)
        {
            Array.Sort(RowStrength(instance.Right), OrderB);
            Array.Reverse(OrderB);
        }

        IdentityOrder = !sortForPruning;
        Plan = EnginePlan.Create(CountA, CountB, Monochromatic, blockRows);

        if (IsBinary)
        {
            var a = (BinaryVectors)instance.A;
            var b = (BinaryVectors)instance.Right;
            BinaryA = a;
            BinaryB = b;
            RawWords = a.WordsPerRow;
            Words = Packed6 ? Packed6Rows.WordsFor(Dimensions) : RawWords;
            RowsA = Pointers(a, OrderA);
            RowsB = Monochromatic ? RowsA : Pointers(b, OrderB);
            if (Sliced && (long)CountB * RawWords * 8 <= slicedCopyBudget)
            {
                int blocks = (CountB + blockRows - 1) / blockRows;
                SlicesB = GC.AllocateArray<ulong>(blocks * RawWords * 64 * 8, pinned: true);
                _slicesReady = new bool[blocks];
            }
            WeightsA = Permute(a.Weights, OrderA);
            WeightsB = Monochromatic ? WeightsA : Permute(b.Weights, OrderB);
            InverseSqrtA = InverseSqrtPadded(WeightsA);
            InverseSqrtB = Monochromatic ? InverseSqrtA : InverseSqrtPadded(WeightsB);
            _zeroRow = new AlignedBuffer<ulong>(Words);
            ZeroRow = (nint)_zeroRow.Pointer;
            BandMinWeightA = BandReduce(WeightsA, Plan.BlockRows, Math.Min);
            BandMaxWeightA = BandReduce(WeightsA, Plan.BlockRows, Math.Max);
            BandMinWeightB = Monochromatic ? BandMinWeightA : BandReduce(WeightsB, Plan.BlockRows, Math.Min);
            BandMaxWeightB = Monochromatic ? BandMaxWeightA : BandReduce(WeightsB, Plan.BlockRows, Math.Max);
        }
        else
        {
            var a = (DenseVectors)instance.A;
            var b = (DenseVectors)instance.Right;
            DenseA = a;
            DenseB = b;
            NormsA = Permute(a.Norms, OrderA);
            NormsB = Monochromatic ? NormsA : Permute(b.Norms, OrderB);
            BandMaxNormA = BandReduce(NormsA, Plan.BlockRows, Math.Max);
            BandMaxNormB = Monochromatic ? BandMaxNormA : BandReduce(NormsB, Plan.BlockRows, Math.Max);
            BandMinNormA = BandReduce(NormsA, Plan.BlockRows, Math.Min);
            BandMinNormB = Monochromatic ? BandMinNormA : BandReduce(NormsB, Plan.BlockRows, Math.Min);
            ScaleA = NormsA.Select(n => Cosine ? (float)(1.0 / n) : 1f).ToArray();
            ScaleB = Monochromatic ? ScaleA : NormsB.Select(n => Cosine ? (float)(1.0 / n) : 1f).ToArray();
            if (Path == EnginePath.DenseInt8
                && (long)CountB * Int8Rows.PaddedLength(Dimensions) <= int8CopyBudget)
            {
                QuantizedB = new QuantizedRows(this, b, OrderB, NormsB, Plan.BlockRows);
            }
        }
    }

    public SimilarityInstance Instance { get; }

    /// <summary>The kind whose score the oracle reports (OV and Min-IP share inner-product scores).</summary>
    public ProblemKind ScoreKind { get; }

    public bool Maximise { get; }

    public bool Cosine { get; }

    /// <summary>True for the Hamming kinds: the kernels count inner products, the filter turns distances into counts.</summary>
    public bool Hamming { get; }

    /// <summary>A binary task's candidate filter, at no bound yet: by the score kind, and for Hamming kinds by the task's band weights.</summary>
    public CandidateFilter Filter(in BlockPairTask task) => !Hamming
        ? new CandidateFilter(Maximise, Cosine)
        : CandidateFilter.Hamming(
            Maximise,
            Maximise ? BandMaxWeightA[task.BandA] + BandMaxWeightB[task.BandB] : BandMinWeightA[task.BandA] + BandMinWeightB[task.BandB]);

    public KernelVariant Variant { get; }

    public bool Pruning { get; }

    public bool Monochromatic { get; }

    public bool IsBinary { get; }

    public bool IdentityOrder { get; }

    public int CountA { get; }

    public int CountB { get; }

    public int Dimensions { get; }

    public EnginePlan Plan { get; }

    /// <summary>The path every task of this solve runs (chosen once by <see cref="BinaryPlan"/> or <see cref="DensePlan"/>).</summary>
    public EnginePath Path { get; }

    /// <summary>Makes a worker's runner; null: the CPU runner of <see cref="Path"/>.</summary>
    public Func<EngineContext, ITileRunner>? RunnerFactory { get; init; }

    /// <summary>A new runner for one worker (runners own scratch and are not shared between threads).</summary>
    public ITileRunner CreateRunner() => RunnerFactory?.Invoke(this) ?? Path switch
    {
        EnginePath.OneWordTiles => new OneWordTileRunner(this),
        EnginePath.Tiles => new TileRunner(this),
        EnginePath.StagedTiles => new StagedTileRunner(this),
        EnginePath.Packed6Tiles => new Packed6TileRunner(this),
        EnginePath.BitSliced => new BitSlicedRunner(this),
        EnginePath.DenseFloat32 => new DenseFloat32Runner(this),
        EnginePath.DenseInt8 => new DenseInt8Runner(this),
        _ => throw new InvalidOperationException($"engine path {Path} has no runner"),
    };

    /// <summary>Position to original row.</summary>
    public int[] OrderA { get; }

    public int[] OrderB { get; }

    // Binary input, by position.
    public BinaryVectors? BinaryA { get; }

    public BinaryVectors? BinaryB { get; }

    /// <summary>Words per row as the kernels read them (the encoded length when <see cref="Packed6"/>).</summary>
    public int Words { get; }

    /// <summary>Words per row of the input (RowsA / RowsB).</summary>
    public int RawWords { get; }

    /// <summary>True when the kernels read rows re-encoded 6 bits per byte (<see cref="Packed6Rows"/>), encoded per task.</summary>
    public bool Packed6 => Path == EnginePath.Packed6Tiles;

    /// <summary>The largest one-off transposed copy of the right side for bit-sliced counting (bytes; as large as the side's bits).</summary>
    public const long SlicedCopyBudgetBytes = 8L << 20;

    /// <summary>
    /// The right side's blocks transposed for bit-sliced counting once per solve (block b at b * RawWords * 512 words,
    /// filled on first use by <see cref="SlicedBlock"/>), where that fits <see cref="SlicedCopyBudgetBytes"/>; else null
    /// and each worker transposes every task's block.
    /// </summary>
    public ulong[]? SlicesB { get; }

    /// <summary>True when binary tasks are counted bit-sliced (<see cref="BitSlices"/>).</summary>
    public bool Sliced => Path == EnginePath.BitSliced;

    public nint[] RowsA { get; } = [];

    public nint[] RowsB { get; } = [];

    public nint ZeroRow { get; }

    public int[] WeightsA { get; } = [];

    public int[] WeightsB { get; } = [];

    /// <summary>
    /// 1/sqrt(weight) by position (0 for weight 0), followed by <see cref="Kernels.BinaryInnerProducts.TileRows"/>
    /// zeros: the column factors of a block's last tile, padded with zero rows, can then be read as a whole.
    /// </summary>
    public float[] InverseSqrtA { get; } = [];

    /// <inheritdoc cref="InverseSqrtA"/>
    public float[] InverseSqrtB { get; } = [];

    public int[] BandMinWeightA { get; } = [];

    public int[] BandMaxWeightA { get; } = [];

    public int[] BandMinWeightB { get; } = [];

    public int[] BandMaxWeightB { get; } = [];

    // Dense input, by position.
    public DenseVectors? DenseA { get; }

    public DenseVectors? DenseB { get; }

    public double[] NormsA { get; } = [];

    public double[] NormsB { get; } = [];

    public double[] BandMaxNormA { get; } = [];

    public double[] BandMaxNormB { get; } = [];

    public double[] BandMinNormA { get; } = [];

    public double[] BandMinNormB { get; } = [];

    /// <summary>Per position: float32 1/||x|| for cosine kinds (the tile is scaled after the kernel), 1 otherwise.</summary>
    public float[] ScaleA { get; } = [];

    /// <summary>The right side quantized once for the int8 screen, where it fits <see cref="QuantizedRows.BudgetBytes"/>; else null.</summary>
    public QuantizedRows? QuantizedB { get; }

    public float[] ScaleB { get; } = [];

    /// <summary>The original pair of positions (p, q), as the oracle names it (i &lt; j when monochromatic).</summary>
    public (int I, int J) Original(int p, int q)
    {
        int i = OrderA[p], j = OrderB[q];
        return Monochromatic && i > j ? (j, i) : (i, j);
    }

    /// <summary>The lexicographic rank of pair (i, j): the tie-break order.</summary>
    public long Key(int i, int j) => (long)i * CountB + j;

    /// <summary>The oracle's score of an original pair, from the kernel's exact inner product (binary).</summary>
    public PairScore BinaryScore(int i, int j, int innerProduct) =>
        PairScore.Binary(ScoreKind, innerProduct, BinaryA!.Weight(i), BinaryB!.Weight(j));

    /// <summary>The oracle's score of an original pair, re-computed in float64 (dense).</summary>
    public PairScore DenseScore(int i, int j) => PairScoring.Score(ScoreKind, Instance.A, i, Instance.Right, j);

    /// <summary>The error bound E between float32 pre-selection and float64 scores for a task.</summary>
    public double DenseError(in BlockPairTask task) => Cosine
        ? DenseErrorBound.Cosine(Dimensions, BandMinNormA[task.BandA] * BandMinNormB[task.BandB], BandMaxNormA[task.BandA] * BandMaxNormB[task.BandB])
        : DenseErrorBound.InnerProduct(Dimensions, BandMaxNormA[task.BandA] * BandMaxNormB[task.BandB]);

    /// <summary>
    /// An upper bound on the score of every pair in the task (maximising kinds), or null when none is cheap:
    /// binary Max-IP: ip &lt;= min(|a|, |b|); binary MSD: cos &lt;= sqrt(min(|a|,|b|) / max(|a|,|b|)); Max-Hamming:
    /// |a| + |b| - 2 ip &lt;= min(|a| + |b|, 2 l - |a| - |b|) (ip &gt;= |a| + |b| - l); dense Max-IP: ip &lt;= ||a|| ||b||
    /// (widened by the float64 round-off the oracle's score may carry).
    /// </summary>
    public double? UpperBound(in BlockPairTask task)
    {
        if (!Maximise) return null;
        if (IsBinary)
        {
            int loA = BandMinWeightA[task.BandA], hiA = BandMaxWeightA[task.BandA];
            int loB = BandMinWeightB[task.BandB], hiB = BandMaxWeightB[task.BandB];
            if (Hamming) return Math.Min(hiA + hiB, (2 * Dimensions) - loA - loB);
            if (!Cosine) return Math.Min(hiA, hiB);
            if (hiA < loB) return Math.Sqrt((double)hiA / loB) * (1 + 1e-9);
            if (hiB < loA) return Math.Sqrt((double)hiB / loA) * (1 + 1e-9);
            return null;
        }

        if (Cosine) return null;
        return BandMaxNormA[task.BandA] * BandMaxNormB[task.BandB] * (1 + (8.0 * Dimensions + 64) * Math.ScaleB(1.0, -52)) + 1e-300;
    }

    private static int[] Identity(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    private static double[] RowStrength(VectorSet set) => set switch
    {
        BinaryVectors b => b.Weights.ToArray().Select(w => (double)w).ToArray(),
        DenseVectors d => d.Norms.ToArray(),
        _ => throw new ArgumentException("unknown vector set", nameof(set)),
    };

    private readonly bool[] _slicesReady = [];

    /// <summary>
    /// Block <paramref name="block"/> of <see cref="SlicesB"/>, transposed by the first worker that asks (under a lock
    /// per block; later callers see it ready), so a decision that stops at its first witness transposes only what it
    /// visits.
    /// </summary>
    public unsafe ulong* SlicedBlock(ulong* slices, int block)
    {
        ulong* start = slices + ((long)block * RawWords * 64 * 8);
        if (Volatile.Read(ref _slicesReady[block])) return start;
        lock (_slicesReady)
        {
            if (!_slicesReady[block])
            {
                int first = block * Plan.BlockRows;
                fixed (nint* rows = RowsB) BitSlices.Transpose(rows + first, Math.Min(Plan.BlockRows, CountB - first), RawWords, start);
                Volatile.Write(ref _slicesReady[block], true);
            }
        }

        return start;
    }

    private static float[] InverseSqrtPadded(int[] weights)
    {
        var factors = new float[weights.Length + Kernels.BinaryInnerProducts.TileRows];
        for (int i = 0; i < weights.Length; i++) factors[i] = weights[i] == 0 ? 0f : (float)(1.0 / Math.Sqrt(weights[i]));
        return factors;
    }

    private static T[] Permute<T>(ReadOnlySpan<T> values, int[] order)
    {
        var result = new T[order.Length];
        for (int p = 0; p < order.Length; p++) result[p] = values[order[p]];
        return result;
    }

    private static nint[] Pointers(BinaryVectors set, int[] order)
    {
        var result = new nint[order.Length];
        for (int p = 0; p < order.Length; p++) result[p] = (nint)(set.Pointer + (long)order[p] * set.WordsPerRow);
        return result;
    }

    private static T[] BandReduce<T>(T[] values, int blockRows, Func<T, T, T> combine)
    {
        int bands = (values.Length + blockRows - 1) / blockRows;
        var result = new T[bands];
        for (int band = 0; band < bands; band++)
        {
            T acc = values[band * blockRows];
            for (int p = band * blockRows + 1; p < Math.Min(values.Length, (band + 1) * blockRows); p++) acc = combine(acc, values[p]);
            result[band] = acc;
        }

        return result;
    }
}
