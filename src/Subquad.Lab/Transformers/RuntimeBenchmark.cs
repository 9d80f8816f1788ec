using System.Diagnostics;
using System.Globalization;
using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Lab.Analysis;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx;

namespace Subquad.Lab.Transformers;

/// <summary>One size of <see cref="RuntimeBenchmark"/>: minimum times (ms), allocations and whether both runtimes agreed.</summary>
public sealed record RuntimeBenchmarkRow(int N, int M, double OwnMs, double Own64Ms, double OrtMs, double OwnCpuMs, double OrtCpuMs, long OwnBytes, long OrtScoreBytes, long OrtPeakDelta, bool Same);

/// <summary>
/// The rows, the fitted time exponents (wall and CPU, each with its interval) over the sizes from
/// <paramref name="FittedFrom"/> on, and the load average before and after (timings on a shared machine mean little
/// without it).
/// </summary>
public sealed record RuntimeBenchmarkResult(IReadOnlyList<RuntimeBenchmarkRow> Rows, int FittedFrom, LogLogFit? OwnTime, LogLogFit? OrtTime, LogLogFit? OwnCpu, LogLogFit? OrtCpu, string LoadBefore, string LoadAfter);

/// <summary>
/// <c>subquad transformer --bench</c>: our attention engine against ONNX Runtime on the same constructed model, side
/// by side in one run (interleaved repetitions, the minimum of each), with ORT's n^2 score memory next to ours.
/// </summary>
public static class RuntimeBenchmark
{
    /// <summary>Runs the benchmark at every n of <paramref name="documents"/>.</summary>
    public static RuntimeBenchmarkResult Run(IReadOnlyList<int> documents, int? threads, int seed, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(documents);

        // The same constructed model for both runtimes: the corrected bichromatic Max-IP_t construction with l = 96,
        // so d_in = m = l + 4 = 100 and d_out = 1, on a random instance with n documents split evenly.
        const int l = 96;
        var results = new List<RuntimeBenchmarkRow>();
        string loadBefore = LoadAverage.Read();
        foreach (int n in documents)
        {
            var instance = SimilarityInstance.Bichromatic(InstanceGenerator.RandomBinary(n / 2, l, 0.3, seed), InstanceGenerator.RandomBinary(n - (n / 2), l, 0.3, seed + 1));
            var construction = TransformerConstructions.Create(Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(20)), instance);
            var input = construction.Build(instance);
            var raw = construction.EncodeRaw(instance);
            var engine32 = new AttentionEngine(new AttentionEngineOptions { Precision = AttentionPrecision.Float32, MaxDegreeOfParallelism = threads });
            var engine64 = new AttentionEngine(new AttentionEngineOptions { MaxDegreeOfParallelism = threads });
            // Warm-up (JIT, thread pool), then the minimum of 3-25 interleaved repetitions per runtime: the machine
            // may be shared, and the minimum is the least disturbed run.
            // Warm-up until tiered compilation has promoted the TensorPrimitives and kernel code (>= 0.5 s or 20 runs):
            // one-shot timings at small n otherwise measure tier-0 code.
            var warm = Stopwatch.StartNew();
            for (int run = 0; run < 20 && warm.Elapsed.TotalSeconds < 0.5; run++) engine32.Forward(input.X, input.Weights);
            bool large = n > 16384; // one repetition and no f64 run: each pass takes minutes on two cores
            if (!large) engine64.Forward(input.X, input.Weights);
            double scoreBytes = 4.0 * (n + 1) * (n + 1);
            bool ortFits = scoreBytes * 3 < 0.5 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes; // scores, softmax and a copy
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            long workingBefore = self.WorkingSet64;
            using var runner = ortFits ? new OnnxTransformerRunner(construction, OnnxElementType.Float32, threads) : null;
            warm.Restart();
            for (int run = 0; runner is not null && run < 20 && warm.Elapsed.TotalSeconds < 0.5; run++) runner.Run(raw);
            self.Refresh();
            long ortPeak = runner is null ? 0 : Math.Max(0, self.PeakWorkingSet64 - workingBefore);
            double ownMs = double.MaxValue, own64Ms = double.MaxValue, ortMs = ortFits ? double.MaxValue : double.NaN;
            long ownBytes = 0;
            double ownCpuMs = double.MaxValue, ortCpuMs = ortFits ? double.MaxValue : double.NaN;
            bool same = true;
            Matrix ours = null!;
            // At least three interleaved repetitions, more while under a second has passed (up to 25): at small n one run
            // is a few ms, and on a shared machine the minimum of three such runs still catches a time slice lost to
            // other processes now and then, on either side.
            var repetitions = Stopwatch.StartNew();
            for (int rep = 0; large ? rep < 1 : rep < 3 || (rep < 25 && repetitions.Elapsed.TotalSeconds < 1); rep++)
            {
                long before = GC.GetTotalAllocatedBytes(true);
                var cpu = self.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                ours = engine32.Forward(input.X, input.Weights);
                ownMs = Math.Min(ownMs, clock.Elapsed.TotalMilliseconds);
                self.Refresh();
                ownCpuMs = Math.Min(ownCpuMs, (self.TotalProcessorTime - cpu).TotalMilliseconds);
                ownBytes = GC.GetTotalAllocatedBytes(true) - before;
                if (!large)
                {
                    clock.Restart();
                    engine64.Forward(input.X, input.Weights);
                    own64Ms = Math.Min(own64Ms, clock.Elapsed.TotalMilliseconds);
                }
                else
                {
                    own64Ms = double.NaN;
                }
                if (runner is not null)
                {
                    self.Refresh();
                    cpu = self.TotalProcessorTime;
                    clock.Restart();
                    var (tf, _) = runner.Run(raw);
                    ortMs = Math.Min(ortMs, clock.Elapsed.TotalMilliseconds);
                    self.Refresh();
                    ortCpuMs = Math.Min(ortCpuMs, (self.TotalProcessorTime - cpu).TotalMilliseconds);
                    same &= construction.Decide(ours) == tf >= 0.5;
                }
            }

            results.Add(new RuntimeBenchmarkRow(n, construction.EmbeddingDimension, ownMs, own64Ms, ortMs, ownCpuMs, ortCpuMs, ownBytes, (long)scoreBytes, ortPeak, same));
            progress?.Report(string.Create(CultureInfo.InvariantCulture, $"n = {n}: own {ownMs:F0} ms, onnx {ortMs:F0} ms"));
        }

        // Exponents are fitted on n >= 4096 when there are two such sizes: below that, fixed costs (thread start,
        // projections, session overhead) flatten the curve. CPU time is the steadier measure on a shared machine.
        var fitted = results.Count(r => r.N >= 4096) >= 2 ? results.Where(r => r.N >= 4096).ToList() : results;
        return new RuntimeBenchmarkResult(
            results,
            fitted.Count > 0 ? fitted[0].N : 0,
            LogLogFit.Fit(fitted.Select(r => ((double)r.N, r.OwnMs))),
            LogLogFit.Fit(fitted.Where(r => !double.IsNaN(r.OrtMs)).Select(r => ((double)r.N, r.OrtMs))),
            LogLogFit.Fit(fitted.Select(r => ((double)r.N, r.OwnCpuMs))),
            LogLogFit.Fit(fitted.Where(r => !double.IsNaN(r.OrtCpuMs)).Select(r => ((double)r.N, r.OrtCpuMs))),
            loadBefore,
            LoadAverage.Read());
    }
}
