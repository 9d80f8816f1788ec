using System.Globalization;

namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>
/// The truncated Taylor feature map of the exponential kernel: phi(x) = [x^{(x)r} / sqrt(r!)] for r = 0..p, so
/// phi(q) . phi(k) = sum_{r &lt;= p} (q . k)^r / r!, the degree-p Taylor polynomial of exp(q . k) (Based uses p = 2 with
/// a 1/sqrt(d) temperature; Def 2.1 has none, so this approximates the construction's own softmax kernel exp(q . k)).
/// f = sum_r m^r. An even p keeps phi(q) . phi(k) positive (the even Taylor polynomial of exp has no real root), so
/// the normaliser never changes sign; odd p is allowed and may not.
/// </summary>
public sealed class TaylorExpFeatureMap : IFeatureMap
{
    /// <summary>The degree-<paramref name="order"/> map.</summary>
    public TaylorExpFeatureMap(int order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        Order = order;
    }

    /// <summary>p.</summary>
    public int Order { get; }

    /// <inheritdoc/>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"taylor(order={Order})");

    /// <inheritdoc/>
    public int Dimension(int inputDimension)
    {
        long total = 0, power = 1;
        for (int r = 0; r <= Order; r++)
        {
            total += power;
            power = checked(power * inputDimension);
        }

        return checked((int)total);
    }

    /// <inheritdoc/>
    public void Map(ReadOnlySpan<double> x, Span<double> destination)
    {
        int m = x.Length;
        destination[0] = 1;
        int previousStart = 0, previousLength = 1, next = 1;
        for (int r = 1; r <= Order; r++)
        {
            // level r = level (r-1) (x) x, times sqrt((r-1)!/r!) = 1/sqrt(r).
            double scale = 1.0 / Math.Sqrt(r);
            for (int p = 0; p < previousLength; p++)
            {
                double left = destination[previousStart + p] * scale;
                for (int a = 0; a < m; a++) destination[next++] = left * x[a];
            }

            previousStart += previousLength;
            previousLength *= m;
        }
    }
}
