namespace Subquad.Hardness.Reductions;

/// <summary>Lemma B.2's q derived from n (see <see cref="Tensoring.PaperQ"/>).</summary>
/// <param name="Documents">n.</param>
/// <param name="LogN">log2 n.</param>
/// <param name="LogLogN">log2 log2 n.</param>
/// <param name="RealQ">q* = log2 n / (log2 log2 n)^2 (NaN for n &lt; 4).</param>
/// <param name="Q">The integer power used: max(1, ceil(q*)).</param>
/// <param name="Derivation">The steps as one line of text.</param>
public sealed record PaperQDerivation(int Documents, double LogN, double LogLogN, double RealQ, int Q, string Derivation);
