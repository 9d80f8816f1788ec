using System.Diagnostics;
using System.Globalization;
using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Benchmarks;

/// <summary>
/// Issue 13's measurement: the monochromatic corrected Max-IP_t construction with coded self-suppression
/// (m = l + 2 + k, k = 2^s - 1) against the one-hot reference (m = l + 2 + n), n = 2^10 .. 2^maxLog, side by side in
/// one run: m, time (build phi1(E) + one float64 forward pass of our engine + phi2) and memory (managed bytes
/// allocated, dominated by X = phi1(E), Q and K), with the fitted time exponent and a bootstrap 95% interval.
/// <c>dotnet run -c Release --project bench/Subquad.Benchmarks -- probe-self-suppression [maxLog] [oneHotMaxLog] [minLog] [largeRepetitions]</c>.
/// </summary>
/// <remarks>
/// Instance: n random rows, l = 16, density 0.5, Max-IP_t with t = 15 (C = l - t + 1 = 2, so the codes need
/// rho &lt;= gap / 4C = 1/8: s = 9, k = 511 for every n up to 2^18). The one-hot reference is stopped where its
/// X, Q and K (8 (n + 1) (n + 18) + 16 (n + 18)^2 bytes) would pass 2 GiB: the brief keeps each process under 3 GB.
/// Every answer is checked against the oracle (a wrong answer aborts the run).
/// </remarks>
public static class SelfSuppressionScaling
{
    private sealed record Row(string Variant, int N, int M, double Seconds, long AllocatedBytes, bool Answer);

    /// <param name="maxLog">Largest n = 2^maxLog.</param>
    /// <param name="oneHotMaxLog">Largest n for the one-hot reference (its memory grows as n^2).</param>
    /// <param name="minLog">Smallest n = 2^minLog.</param>
    /// <param name="largeRepetitions">Timings per n above 2^13 (below, always 3): repeated large-n timings give the
    /// fit from 2^14 an interval that is not a single line through three points.</param>
    public static void Run(int maxLog = 15, int oneHotMaxLog = 13, int minLog = 10, int largeRepetitions = 1)
    {
        Console.WriteLine($"cpu: {CpuModel()}, {Environment.ProcessorCount} logical cores; load {Load()}");
        var rows = new List<Row>();
        const int l = 16;
        var problem = Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(15));
        for (int log = minLog; log <= maxLog; log++)
        {
            int n = 1 << log;
            var instance = SimilarityInstance.Monochromatic(InstanceGenerator.RandomBinary(n, l, 0.5, 1000 + log, nonZero: true));
            bool expected = BruteForce.Instance.Solve(instance, problem).Found;
            foreach (var mode in new[] { SelfSuppression.PositionCode, SelfSuppression.OneHot })
            {
                long din = l + 4 + (mode == SelfSuppression.OneHot ? n : 0);
                double bytes = (8.0 * (n + 1) * din) + (16.0 * din * din);
                if (mode == SelfSuppression.OneHot && (log > oneHotMaxLog || bytes > 2.0 * (1L << 30)))
                {
                    Console.WriteLine($"n = {n}: one-hot skipped (X, Q, K would take {bytes / (1L << 30):F1} GiB)");
                    continue;
                }

                int repetitions = log <= 13 ? 3 : largeRepetitions;
                for (int rep = 0; rep < repetitions; rep++)
                {
                    GC.Collect();
                    long before = GC.GetTotalAllocatedBytes(true);
                    var clock = Stopwatch.StartNew();
                    var construction = TransformerConstructions.Create(problem, instance, new ConstructionOptions { SelfSuppression = mode });
                    var input = construction.Build(instance);
                    bool answer = construction.Decide(AttentionEngine.Default.Forward(input.X, input.Weights));
                    clock.Stop();
                    long allocated = GC.GetTotalAllocatedBytes(true) - before;
                    if (answer != expected) throw new InvalidOperationException($"n = {n}, {mode}: transformer {answer}, oracle {expected}");
                    var row = new Row(mode == SelfSuppression.PositionCode ? "code" : "one-hot", n, construction.EmbeddingDimension, clock.Elapsed.TotalSeconds, allocated, answer);
                    rows.Add(row);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.Variant,-8} n = {n,6}  m = {row.M,6}  time = {row.Seconds,9:F3} s  allocated = {row.AllocatedBytes / 1048576.0,9:F1} MiB  answer = {answer}"));
                }
            }
        }

        // Fits from n = 2^11, 2^12 and 2^14: below that, fixed costs (phi1, projections, thread start) flatten the curve.
        foreach (int from in new[] { 1 << 11, 1 << 12, 1 << 14 })
        {
            foreach (var variant in new[] { "code", "one-hot" })
            {
                var points = rows.Where(r => r.Variant == variant && r.N >= from).Select(r => (Math.Log(r.N), Math.Log(r.Seconds))).ToList();
                if (points.Select(p => p.Item1).Distinct().Count() < 2) continue;
                var (slope, low, high) = Bootstrap(points, 2000, 7);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant}: time exponent (n >= {from}) {slope:F2}, bootstrap 95% [{low:F2}, {high:F2}] over {points.Count} timings"));
            }
        }

        Console.WriteLine($"load after: {Load()}");
    }

    private static double Slope(IReadOnlyList<(double X, double Y)> p)
    {
        double mx = p.Average(v => v.X), my = p.Average(v => v.Y);
        double sxx = p.Sum(v => (v.X - mx) * (v.X - mx));
        return sxx == 0 ? double.NaN : p.Sum(v => (v.X - mx) * (v.Y - my)) / sxx;
    }

    // Percentile bootstrap over the (log n, log time) points, resampled with replacement.
    private static (double Slope, double Low, double High) Bootstrap(List<(double X, double Y)> points, int resamples, int seed)
    {
        var random = new Random(seed);
        var slopes = new List<double>(resamples);
        var sample = new (double, double)[points.Count];
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < sample.Length; i++) sample[i] = points[random.Next(points.Count)];
            double s = Slope(sample);
            if (double.IsFinite(s)) slopes.Add(s);
        }

        slopes.Sort();
        return (Slope(points), slopes[(int)(0.025 * (slopes.Count - 1))], slopes[(int)(0.975 * (slopes.Count - 1))]);
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(x => x.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
