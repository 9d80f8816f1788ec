namespace Subquad.Core.Engine;

/// <summary>
/// The engine's work as data: the block-pair tasks (upper triangle of blocks for monochromatic instances, all of
/// A x B for bichromatic ones) in a fixed band-major order, plus the merge rule. Executors may run the tasks in any
/// order on any number of workers (threads here; silos of a cluster, a GPU) because every reducer merges its partial
/// results by a total order on (score, i, j) that does not depend on who computed what: the best pair is the best
/// score with the smallest (i, j) among equals, a decision's witness is the smallest qualifying (i, j), a top-K list
/// is the first K in that order, and a threshold join is delivered band by band in (i, j) order.
/// </summary>
/// <remarks>
/// The tasks are not stored: <see cref="TaskAt"/> computes task k from k in O(1), so the plan costs O(1) memory
/// whatever n is (a listed plan of 8M rows in 512-row blocks would hold 2.7e8 tasks, 8.6 GB). Legend: bands = blocks
/// of <see cref="BlockRows"/> rows; in a monochromatic plan band a owns the tasks (a, a), (a, a+1), ..., so its first
/// task index is a * bands - a (a - 1) / 2. The one task that is dropped is a diagonal block of a single row (it has
/// no pair); it can only be the last band's diagonal, i.e. the very last task, so indices stay contiguous.
/// </remarks>
internal sealed class EnginePlan
{
    private EnginePlan(int countA, int countB, bool monochromatic, int blockRows)
    {
        CountA = countA;
        CountB = countB;
        Monochromatic = monochromatic;
        BlockRows = blockRows;
        BandsA = (int)(((long)countA + blockRows - 1) / blockRows);
        BandsB = (int)(((long)countB + blockRows - 1) / blockRows);
        PairCount = monochromatic ? (long)countA * (countA - 1) / 2 : (long)countA * countB;
        if (monochromatic)
        {
            long bands = BandsA;
            long listed = bands * (bands + 1) / 2;
            bool lastDiagonalEmpty = bands > 0 && countA - (bands - 1) * (long)blockRows == 1;
            TaskCount = lastDiagonalEmpty ? listed - 1 : listed;
        }
        else
        {
            TaskCount = countA == 0 || countB == 0 ? 0 : (long)BandsA * BandsB;
        }
    }

    /// <summary>Rows of the left set.</summary>
    public int CountA { get; }

    /// <summary>Rows of the right set (equal to <see cref="CountA"/> when monochromatic).</summary>
    public int CountB { get; }

    /// <summary>True when pairs are i &lt; j within one set.</summary>
    public bool Monochromatic { get; }

    /// <summary>Rows per block.</summary>
    public int BlockRows { get; }

    /// <summary>Number of left blocks (row bands).</summary>
    public int BandsA { get; }

    /// <summary>Number of right blocks.</summary>
    public int BandsB { get; }

    /// <summary>Every candidate pair, once.</summary>
    public long PairCount { get; }

    /// <summary>Number of tasks; every task has at least one pair.</summary>
    public long TaskCount { get; }

    /// <summary>Splits the pairs into block-pair tasks of <paramref name="blockRows"/> rows per block.</summary>
    public static EnginePlan Create(int countA, int countB, bool monochromatic, int blockRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(countA);
        ArgumentOutOfRangeException.ThrowIfNegative(countB);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        if (monochromatic && countA != countB) throw new ArgumentException("a monochromatic plan has one set", nameof(countB));
        return new EnginePlan(countA, countB, monochromatic, blockRows);
    }

    /// <summary>Task number <paramref name="index"/> in band-major order (band A, then band B); O(1).</summary>
    public BlockPairTask TaskAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, TaskCount);
        int a, b;
        if (Monochromatic)
        {
            a = MonochromaticBand(index);
            b = a + (int)(index - MonochromaticFirstTask(a));
        }
        else
        {
            a = (int)(index / BandsB);
            b = (int)(index % BandsB);
        }

        return Make(index, a, b);
    }

    /// <summary>The number of tasks whose left rows are band <paramref name="bandA"/>.</summary>
    public long TasksInBand(int bandA)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bandA);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bandA, BandsA);
        if (!Monochromatic) return CountB == 0 ? 0 : BandsB;
        long first = MonochromaticFirstTask(bandA);
        long next = bandA + 1 < BandsA ? MonochromaticFirstTask(bandA + 1) : TaskCount;
        return next - first;
    }

    /// <summary>Every task in plan order, computed as it is enumerated.</summary>
    public IEnumerable<BlockPairTask> EnumerateTasks()
    {
        for (long k = 0; k < TaskCount; k++) yield return TaskAt(k);
    }

    private BlockPairTask Make(long index, int a, int b)
    {
        long startA = (long)a * BlockRows, startB = (long)b * BlockRows;
        return new BlockPairTask(
            index, a, b,
            (int)startA, (int)Math.Min(CountA, startA + BlockRows),
            (int)startB, (int)Math.Min(CountB, startB + BlockRows),
            Monochromatic && a == b);
    }

    private long MonochromaticFirstTask(int band) => (long)band * BandsA - (long)band * (band - 1) / 2;

    /// <summary>The band a with first(a) &lt;= index &lt; first(a + 1): a floating-point guess, corrected exactly.</summary>
    private int MonochromaticBand(long index)
    {
        // first(a) = a (2 bands - a + 1) / 2 is increasing in a; invert the quadratic, then step to the exact band.
        double bands = BandsA;
        double guess = ((2 * bands + 1) - Math.Sqrt((2 * bands + 1) * (2 * bands + 1) - 8.0 * index)) / 2;
        int a = (int)Math.Clamp(Math.Floor(guess), 0, BandsA - 1);
        while (a > 0 && MonochromaticFirstTask(a) > index) a--;
        while (a + 1 < BandsA && MonochromaticFirstTask(a + 1) <= index) a++;
        return a;
    }
}
