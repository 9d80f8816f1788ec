namespace Subquad.Learn.Autodiff;

/// <summary>
/// Reverse-mode autodiff: every op appends a closure that pushes its output's gradient into its inputs' gradients,
/// and <see cref="Backward(Tensor, float[])"/> runs the closures newest first. One tape per training step; parameters
/// outlive it and accumulate their gradients until the optimiser zeroes them.
/// </summary>
/// <remarks>
/// An op records a closure only when some input requires a gradient, and a closure writes an input's gradient only
/// when that input requires one, so constant inputs (data, masks) cost nothing on the way back.
/// </remarks>
public sealed class Tape
{
    private readonly List<Action> _backward = [];

    /// <summary>Number of recorded backward closures.</summary>
    public int Count => _backward.Count;

    /// <summary>A new output that requires a gradient when any input does.</summary>
    public static Tensor Output(int rows, int cols, params ReadOnlySpan<Tensor?> inputs)
    {
        bool grad = false;
        foreach (var t in inputs) grad |= t is { RequiresGrad: true };
        return new Tensor(rows, cols, grad);
    }

    /// <summary>Records the backward closure of an op whose output is <paramref name="output"/>.</summary>
    public void Record(Tensor output, Action backward)
    {
        if (output.RequiresGrad) _backward.Add(backward);
    }

    /// <summary>Backward from a scalar loss (d loss / d loss = 1).</summary>
    public void Backward(Tensor loss)
    {
        if (loss.Length != 1) throw new ArgumentException($"{loss} is not a scalar; pass its seed gradient", nameof(loss));
        Backward(loss, [1f]);
    }

    /// <summary>Backward from any output with a given seed gradient (tests seed random directions).</summary>
    public void Backward(Tensor output, float[] seed)
    {
        if (seed.Length != output.Length) throw new ArgumentException($"seed has {seed.Length} values for {output}", nameof(seed));
        seed.AsSpan().CopyTo(output.GradBuffer());
        for (int i = _backward.Count - 1; i >= 0; i--) _backward[i]();
        _backward.Clear();
    }
}
