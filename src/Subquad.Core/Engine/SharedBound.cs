namespace Subquad.Core.Engine;

/// <summary>
/// The best score any worker has seen so far, shared so that every worker's candidate filter and pruning tighten
/// together. Only a filter: it never decides an answer (the exact merge does), so a stale read is merely looser.
/// </summary>
internal sealed class SharedBound
{
    private readonly bool _maximise;
    private double _value;

    public SharedBound(bool maximise)
    {
        _maximise = maximise;
        _value = maximise ? double.NegativeInfinity : double.PositiveInfinity;
    }

    public double Value => Volatile.Read(ref _value);

    /// <summary>Moves the bound to <paramref name="value"/> when that is better.</summary>
    public void Improve(double value)
    {
        double current = Volatile.Read(ref _value);
        while (_maximise ? value > current : value < current)
        {
            double seen = Interlocked.CompareExchange(ref _value, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
