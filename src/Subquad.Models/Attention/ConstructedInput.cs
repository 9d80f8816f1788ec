namespace Subquad.Models.Attention;

/// <summary>
/// A paper construction applied to one instance, ready for any mixer: X = phi1 over the document rows followed by
/// the sentinel row (Def 2.3, paper.md 1.5), the attention weights, and phi2, which reads output rows
/// 0..DocumentRows-1 only (the sentinel's own row is ignored) and returns the transformer's answer (1 = yes).
/// </summary>
/// <param name="X">(n+1) x d_in: documents then the sentinel.</param>
/// <param name="Weights">Q, K, V.</param>
/// <param name="DocumentRows">n: the rows phi2 reads.</param>
/// <param name="Phi2">The output map; 0 or 1 on valid inputs, strictly between only outside the promise.</param>
public sealed record ConstructedInput(Matrix X, AttentionWeights Weights, int DocumentRows, Func<Matrix, double> Phi2);
