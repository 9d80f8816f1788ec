namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>Katharopoulos et al. 2020 (ALTERNATIVES.md 3.2): phi(x) = elu(x) + 1, elementwise: x + 1 for x &gt; 0, e^x otherwise. Positive, f = m.</summary>
public sealed class EluPlusOneFeatureMap : IFeatureMap
{
    /// <summary>The shared instance.</summary>
    public static EluPlusOneFeatureMap Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "elu+1";

    /// <inheritdoc/>
    public int Dimension(int inputDimension) => inputDimension;

    /// <inheritdoc/>
    public void Map(ReadOnlySpan<double> x, Span<double> destination)
    {
        for (int a = 0; a < x.Length; a++) destination[a] = x[a] > 0 ? x[a] + 1 : Math.Exp(x[a]);
    }
}
