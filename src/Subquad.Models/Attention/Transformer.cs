namespace Subquad.Models.Attention;

/// <summary>
/// A transformer exactly as Def 2.3: TF(E) = phi2(A_{Q,K,V}(phi1(E))) with phi1 applied row-wise, one attention unit and
/// an output map phi2 that reads the document output rows (the sentinel rows after them are
/// excluded, paper.md 1.5). No residual, no layer norm, no positional encoding, one head, one layer.
/// </summary>
/// <param name="Phi1">The input map, d -&gt; d_in.</param>
/// <param name="Weights">Q, K, V.</param>
/// <param name="Phi2">The output map over the document rows of the n x d_out attention output.</param>
public sealed record Transformer(RowMap Phi1, AttentionWeights Weights, Func<Matrix, double> Phi2)
{
    /// <summary>Runs TF on raw rows E (documents then sentinel) with any mixer standing in for the attention unit.</summary>
    /// <param name="raw">(n+1) x d raw input including the sentinel row.</param>
    /// <param name="mixer">The attention unit (exact engine, reference, or an alternative).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public double Evaluate(Matrix raw, IAttentionMixer mixer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixer);
        var x = Phi1.Apply(raw);
        return Phi2(mixer.Forward(x, Weights, cancellationToken));
    }
}
