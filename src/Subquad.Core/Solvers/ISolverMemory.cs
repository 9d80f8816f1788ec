namespace Subquad.Core.Solvers;

/// <summary>
/// A solver that can say, before it runs, how much memory one <see cref="ISimilaritySolver.Solve"/> holds at its peak
/// beyond the instance (weights, activations, a runtime's buffers), so a chain that would not fit is refused up front
/// with that size (issue 17) instead of growing until the machine kills it.
/// </summary>
public interface ISolverMemory
{
    /// <summary>Peak bytes beyond the instance for a binary instance of the given shape.</summary>
    /// <param name="rowsA">Rows of the left side (all rows when monochromatic).</param>
    /// <param name="rowsB">Rows of the right side (0 when monochromatic).</param>
    /// <param name="dimensions">Bits per row.</param>
    long PeakBytes(long rowsA, long rowsB, int dimensions);
}
