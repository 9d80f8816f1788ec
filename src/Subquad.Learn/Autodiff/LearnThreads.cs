namespace Subquad.Learn.Autodiff;

/// <summary>
/// How many threads the ops may use. The default is every core; benchmarks and the zoo pin it (the issue measures
/// training throughput on 2 threads) and tests pin it to keep results reproducible in order of summation.
/// </summary>
public static class LearnThreads
{
    private static int _max = Environment.ProcessorCount;

    /// <summary>Upper bound on threads used by one op (at least 1).</summary>
    public static int Max
    {
        get => _max;
        set => _max = Math.Max(1, value);
    }

    /// <summary>Runs body(i) for i in [0, count), in parallel when the work (count * costPerItem flops) pays for it.</summary>
    public static void For(int count, long costPerItem, Action<int> body)
    {
        if (_max == 1 || count < 2 || count * costPerItem < 1 << 16)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }

        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _max }, body);
    }
}
