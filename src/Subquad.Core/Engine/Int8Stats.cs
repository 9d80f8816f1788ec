namespace Subquad.Core.Engine;

/// <summary>
/// Over a set of int8-quantized rows (<see cref="Kernels.Int8Rows"/>): whether all of them quantized, and the largest
/// rho = E / ||x||, norm and error norm E, from which <see cref="DenseErrorBound.Int8Cosine"/> and
/// <see cref="DenseErrorBound.Int8InnerProduct"/> bound a block pair's screen.
/// </summary>
internal record struct Int8Stats(bool Ok, double Rho, double Norm, double Error)
{
    public static Int8Stats Empty => new(true, 0, 0, 0);

    public void Add(double norm, double error, bool cosine)
    {
        Norm = Math.Max(Norm, norm);
        Error = Math.Max(Error, error);
        if (cosine) Rho = Math.Max(Rho, error / norm);
    }
}
