namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>A feature map phi for kernelised (linear) attention: phi(q) . phi(k) stands in for exp(q . k).</summary>
public interface IFeatureMap
{
    /// <summary>Name ("elu+1", "taylor(order=2)").</summary>
    string Name { get; }

    /// <summary>Feature dimension f for inputs of dimension m.</summary>
    int Dimension(int inputDimension);

    /// <summary>Writes phi(x) (f values) into <paramref name="destination"/>.</summary>
    void Map(ReadOnlySpan<double> x, Span<double> destination);
}
