using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime;
using Subquad.Cluster.Jobs;
using Subquad.Core.Engine;
using Subquad.Core.Problems;

namespace Subquad.Cluster.Silo;

/// <summary>
/// Runs a job's engine code in this silo until the JIT has finished with it, before the silo asks for the job's first
/// chunk (so it is part of preparing the job, as loading the input is, and outside the job's time).
/// </summary>
/// <remarks>
/// Why: .NET compiles a method first without optimisation and recompiles it (with profile-guided optimisation: twice)
/// on a background thread once it has been called often. The local engine pays that once per process; a cluster of
/// silos pays it in every silo, and on a machine whose cores all run chunks the JIT's thread takes its time from
/// them. Measured on the 2-core machine: fresh silos spent 1.1 s and 0.3 s of CPU in the JIT's background thread
/// during their first dense n = 100,000 job (and up to 0.7 s in the second), which is where the first job's solve
/// ratio (0.74-0.75 on a quiet machine, against 0.83-0.95 for later ones) went.
/// What: the job's own solver on its own input (so exactly the kernels, reducers and paths the job takes) runs a few
/// tasks at a time, from several places in the plan, discarding the answers, until the process has compiled no new
/// method for <see cref="Quiet"/>, at least <see cref="MinRounds"/> rounds (so methods called once per chunk are
/// promoted as well) and at most <see cref="Cap"/>. A second job on the same paths finds the JIT quiet at once and
/// costs about <see cref="MinRounds"/> x <see cref="PairsPerRound"/> pairs. The warm-up solver is built separately
/// and dropped, so the job's own set-up (row order, quantized rows) stays inside the job's time, as <c>solve</c>'s
/// does.
/// Once per shape: a silo that has warmed a job of the same shape (<see cref="ShapeKey"/>: problem, mode, form,
/// vector kind, dimensions, block rows, threads) skips the warm-up. Measured on the quiet 2-core machine (four dense
/// n = 100,000 jobs on the same two silos): warming every job cost 0.4-2.5 s per silo and job, because the quiet
/// test counts every method the process compiles (Orleans' own included); the silos finished their warm-ups up to
/// 1.5 s apart, the job's clock started at the first silo's lease, and the later silo's warm-up was the job's
/// largest loss (solve ratios 0.76-0.82 with skewed warm-ups, 0.92 where both were short).
/// </remarks>
internal static class EngineWarmUp
{
    /// <summary>Jobs with fewer candidate pairs (about 1.6 s of one core) are not warmed: there the warm-up would cost more than it saves.</summary>
    public const long MinJobPairs = 1L << 30;

    /// <summary>Candidate pairs per round (about 2 ms of one core).</summary>
    public const long PairsPerRound = 1L << 20;

    /// <summary>Rounds at least: past the JIT's promotion threshold of 30 calls for once-per-chunk methods, twice (instrumented tier, then optimised).</summary>
    public const int MinRounds = 64;

    /// <summary>No new compiled method for this long ends the warm-up (the JIT waits 100 ms after the last call-count before promoting).</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    /// <summary>The warm-up's longest run.</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(5);

    /// <summary>What a warm-up did (for the silo's log); <paramref name="AlreadyWarm"/>: skipped, this shape was warmed before.</summary>
    public readonly record struct Report(bool Ran, int Rounds, long Pairs, long MethodsCompiled, double Seconds, bool AlreadyWarm = false);

    // The shapes this process has warmed (a silo is one process; tests' in-process silos share it, which only means
    // a later silo of such a test skips a warm-up the JIT no longer needs).
    private static readonly ConcurrentDictionary<string, byte> Warmed = new();

    /// <summary>What decides which engine code a job runs: jobs with equal keys run the same kernels and reducers.</summary>
    public static string ShapeKey(JobSpec spec, SimilarityInstance instance, int threads) => string.Join('|',
        spec.Problem, spec.Mode, spec.Top?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", spec.All, spec.Pruning, spec.Against is null,
        instance.IsBinary ? "binary" : "dense", instance.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        spec.BlockRows.ToString(System.Globalization.CultureInfo.InvariantCulture), threads.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Warms <paramref name="spec"/>'s engine on <paramref name="instance"/> with <paramref name="threads"/> threads; a job the solver refuses is left to the job's own refusal.</summary>
    public static Report Run(JobSpec spec, SimilarityInstance instance, int threads, CancellationToken cancellationToken)
    {
        if (spec.Plan().PairCount < MinJobPairs) return default;
        string key = ShapeKey(spec, instance, threads);
        if (Warmed.ContainsKey(key)) return new Report(false, 0, 0, 0, 0, AlreadyWarm: true);
        PartialSolver solver;
        try
        {
            solver = spec.Solver(instance);
        }
        catch (Exception ex) when (ex is ArgumentException or Subquad.Core.InputException)
        {
            return default;
        }

        var plan = solver.Plan;
        long tasks = plan.TaskCount;
        long perTask = Math.Max(1, plan.PairCount / tasks);
        long width = Math.Clamp(PairsPerRound / perTask, 1, tasks);
        var clock = Stopwatch.StartNew();
        long compiledAtStart = JitInfo.GetCompiledMethodCount();
        long compiled = compiledAtStart;
        var lastChange = clock.Elapsed;
        int rounds = 0;
        long pairs = 0;
        while (!cancellationToken.IsCancellationRequested && clock.Elapsed < Cap)
        {
            // Rounds walk the plan (a Weyl sequence over the possible starts), so diagonal and off-diagonal blocks,
            // early and late bands, all run.
            long start = (long)((ulong)rounds * 0x9E3779B97F4A7C15UL % (ulong)(tasks - width + 1));
            solver.Run(start, start + width, threads, cancellationToken: cancellationToken);
            pairs += solver.PairsIn(start, start + width);
            rounds++;
            long now = JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                lastChange = clock.Elapsed;
            }
            else if (rounds >= MinRounds && clock.Elapsed - lastChange >= Quiet)
            {
                break;
            }

            // Past the first rounds the calls only need to keep coming while the JIT's thread works: leave it the core.
            if (rounds >= MinRounds) Thread.Sleep(20);
        }

        // Remembered only when the JIT went quiet: a warm-up cut by the cap leaves promotions pending, and the next job
        // of the shape warms again rather than paying them in its chunks.
        bool quiet = !cancellationToken.IsCancellationRequested && clock.Elapsed < Cap;
        if (quiet) Warmed.TryAdd(key, 0);
        return new Report(true, rounds, pairs, compiled - compiledAtStart, clock.Elapsed.TotalSeconds);
    }
}
