using Subquad.Core.Problems;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Precision;

namespace Subquad.Models.Runtimes;

/// <summary>
/// What evaluates a constructed transformer on an instance: our own attention engine (<see cref="OwnTransformerRuntime"/>)
/// or the exported ONNX graph in ONNX Runtime (<see cref="OnnxTransformerRuntime"/>). Every caller that once forked on
/// "own engine or ONNX" (the transformer verb's decision and search, the SAT route's solver) takes one of these.
/// </summary>
public interface ITransformerRuntime
{
    /// <summary>"own" or "onnx", as the CLI and the reports name it.</summary>
    string Name { get; }

    /// <summary>The float format it computes in: every construction is checked against it before it runs.</summary>
    FloatFormat Precision { get; }

    /// <summary>The attention output on the instance (rows 0..n-1, the sentinel last), from which phi2 and the pair are read.</summary>
    Matrix Attention(SentinelConstruction construction, SimilarityInstance instance, CancellationToken cancellationToken = default);

    /// <summary>phi2 of the transformer's output on the instance (the decision is phi2 &gt;= 1/2).</summary>
    double Phi2(SentinelConstruction construction, SimilarityInstance instance, CancellationToken cancellationToken = default);
}
