namespace Subquad.Core.Engine;

/// <summary>
/// The engine's work as data: the list of block-pair tasks (upper triangle of blocks for monochromatic instances,
/// all of A x B for bichromatic ones) in a fixed order, plus the merge rule. Executors may run the tasks in any order
/// on any number of workers (threads here; machines later) because every reducer merges its partial results by a
/// total order on (score, i, j) that does not depend on who computed what: the best pair is the best score with the
/// smallest (i, j) among equals, a decision's witness is the smallest qualifying (i, j), a top-K list is the first K
/// in that order, and a threshold join is delivered band by band in (i, j) order.
/// </summary>
internal sealed class EnginePlan
{
    private EnginePlan(int countA, int countB, bool monochromatic, int blockRows, IReadOnlyList<BlockPairTask> tasks)
    {
        CountA = countA;
        CountB = countB;
        Monochromatic = monochromatic;
        BlockRows = blockRows;
        Tasks = tasks;
        BandsA = (countA + blockRows - 1) / blockRows;
        BandsB = (countB + blockRows - 1) / blockRows;
        PairCount = monochromatic ? (long)countA * (countA - 1) / 2 : (long)countA * countB;
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

    /// <summary>The tasks in band-major order (band A, then band B).</summary>
    public IReadOnlyList<BlockPairTask> Tasks { get; }

    /// <summary>Splits the pairs into block-pair tasks of <paramref name="blockRows"/> rows per block.</summary>
    public static EnginePlan Create(int countA, int countB, bool monochromatic, int blockRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(countA);
        ArgumentOutOfRangeException.ThrowIfNegative(countB);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        if (monochromatic && countA != countB) throw new ArgumentException("a monochromatic plan has one set", nameof(countB));
        var tasks = new List<BlockPairTask>();
        int bandsA = (countA + blockRows - 1) / blockRows;
        int bandsB = (countB + blockRows - 1) / blockRows;
        for (int a = 0; a < bandsA; a++)
        {
            for (int b = monochromatic ? a : 0; b < bandsB; b++)
            {
                var task = new BlockPairTask(tasks.Count, a, b, a * blockRows, Math.Min(countA, (a + 1) * blockRows), b * blockRows, Math.Min(countB, (b + 1) * blockRows), monochromatic && a == b);
                if (task.PairCount > 0) tasks.Add(task with { Index = tasks.Count });
            }
        }

        return new EnginePlan(countA, countB, monochromatic, blockRows, tasks);
    }
}
