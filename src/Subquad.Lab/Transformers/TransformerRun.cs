using System.Diagnostics;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx;
using Subquad.Models.Precision;
using Subquad.Models.Runtimes;

namespace Subquad.Lab.Transformers;

/// <summary>
/// What <c>subquad transformer</c> does with one instance, kept out of the command (which parses and prints): pick
/// the runtime, build the construction and refuse a precision too narrow for it, export it, run it, and ask the
/// oracle when a check is wanted. Or the transformer pair search (<see cref="PairSearch"/>) instead of one decision.
/// </summary>
public static class TransformerRun
{
    /// <summary>One decision: the construction, its phi2 read-out, the oracle's answer (null without a check) and the time of build, export and run.</summary>
    public sealed record Decision(SentinelConstruction Construction, double Phi2, Answer? Oracle, TimeSpan Elapsed);

    /// <summary>The pair search's result, the oracle's optimum (null without a check) and the search's time.</summary>
    public sealed record Search(SearchResult Result, Answer? Oracle, TimeSpan Elapsed);

    /// <summary>
    /// The runtime: ONNX Runtime on the exported graph (f64 or f32), or our engine on <paramref name="mixer"/> (the
    /// unit --device chose) or the CPU engine at <paramref name="precision"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">ONNX Runtime was asked for f16 or bf16 (emulated by our runtime only).</exception>
    public static ITransformerRuntime Runtime(bool onnx, FloatFormat precision, IAttentionMixer? mixer) =>
        onnx ? new OnnxTransformerRuntime(precision)
        : mixer is not null ? new OwnTransformerRuntime(mixer)
        : OwnTransformerRuntime.For(precision);

    /// <summary>A construction and the time it took to build and check.</summary>
    public sealed record Built(SentinelConstruction Construction, TimeSpan Elapsed);

    /// <summary>The construction for the problem, refused before anything runs when <paramref name="precision"/> cannot represent its decision.</summary>
    /// <exception cref="ArgumentException">The paper's own limits (no bichromatic encoding for the as-written variant, 1 &lt;= t &lt;= l for Thm C.1, the paper scale's bound, a kind without a construction).</exception>
    /// <exception cref="PrecisionRefusedException">The precision is too narrow for the construction's lambda.</exception>
    public static Built Build(SimilarityInstance instance, Problem problem, ConstructionOptions options, FloatFormat precision)
    {
        var clock = Stopwatch.StartNew();
        var construction = TransformerConstructions.Create(problem, instance, options);
        construction.EnsurePrecision(precision);
        return new Built(construction, clock.Elapsed);
    }

    /// <summary>
    /// Exports (when <paramref name="exportPath"/> is given, atomically) and runs one construction; the oracle answers
    /// after the clock stops. The decision's time counts the build as well.
    /// </summary>
    public static Decision Decide(Built built, SimilarityInstance instance, Problem problem, ITransformerRuntime runtime, FloatFormat precision, string? exportPath, bool check)
    {
        ArgumentNullException.ThrowIfNull(built);
        ArgumentNullException.ThrowIfNull(runtime);
        var construction = built.Construction;
        var clock = Stopwatch.StartNew();
        if (exportPath is not null)
        {
            var element = precision == FloatFormat.Float32 ? OnnxElementType.Float32 : OnnxElementType.Float64;
            AtomicFile.Write(exportPath, stream => stream.Write(OnnxBuilder.ToBytes(ConstructionExporter.Export(construction, element))));
        }

        double phi2 = runtime.Phi2(construction, instance);
        clock.Stop();
        var oracle = check ? BruteForce.Instance.Solve(instance, problem) : null;
        return new Decision(construction, phi2, oracle, built.Elapsed + clock.Elapsed);
    }

    /// <summary>The transformer pair search for the optimum of <paramref name="kind"/> (OV: the orthogonal pair); the oracle answers after the clock stops.</summary>
    public static Search FindPair(SimilarityInstance instance, ProblemKind kind, ITransformerRuntime runtime, bool check)
    {
        var clock = Stopwatch.StartNew();
        var result = PairSearch.Solve(instance, kind, runtime);
        clock.Stop();
        var oracle = check ? BruteForce.Instance.Solve(instance, kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind)) : null;
        return new Search(result, oracle, clock.Elapsed);
    }
}
