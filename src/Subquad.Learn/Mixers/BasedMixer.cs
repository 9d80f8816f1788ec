using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;
using Subquad.Learn.Training;

namespace Subquad.Learn.Mixers;

/// <summary>
/// Based-style linear attention (ALTERNATIVES.md 3.2): a depthwise short causal convolution (kernel 3) of the input,
/// projections q, k to f features per head and v to D, the Taylor feature map on q and k, causal linear attention,
/// an output projection.
/// State per layer: H·(F·d_v + F) numbers for the running sums S and z (F = 1 + f + f², d_v = D/H), plus
/// (K - 1)·D for the convolution's window.
/// </summary>
public sealed class BasedMixer : IMixer
{
    private readonly Tensor _convW, _convB, _wq, _wk, _wv, _wo;
    private readonly int _width, _heads, _f, _kernel;

    internal BasedMixer(Init init, string prefix, int width, int heads, int featureDim, int kernel)
    {
        _width = width;
        _heads = heads;
        _f = featureDim;
        _kernel = kernel;
        _convW = init.Uniform(prefix + "conv_w", width, kernel, 1 / Math.Sqrt(kernel));
        _convB = Init.Constant(prefix + "conv_b", 1, width, 0);
        _wq = init.LinearWeight(prefix + "wq", width, heads * featureDim);
        _wk = init.LinearWeight(prefix + "wk", width, heads * featureDim);
        _wv = init.LinearWeight(prefix + "wv", width, width);
        _wo = init.LinearWeight(prefix + "wo", width, width);
        Parameters = [new(_convW), new(_convB, false), new(_wq), new(_wk), new(_wv), new(_wo)];
    }

    /// <inheritdoc/>
    public MixerKind Kind => MixerKind.Based;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x, int batch, int length)
    {
        var u = CausalConv.Apply(tape, x, _convW, _convB, batch, length);
        var q = LinearAttention.TaylorFeatureMap(tape, Linear.Apply(tape, u, _wq), _heads);
        var k = LinearAttention.TaylorFeatureMap(tape, Linear.Apply(tape, u, _wk), _heads);
        var v = Linear.Apply(tape, u, _wv);
        var y = LinearAttention.Causal(tape, q, k, v, batch, length, _heads);
        return Linear.Apply(tape, y, _wo);
    }

    /// <inheritdoc/>
    public StateSize State(int length)
    {
        long ff = LinearAttention.TaylorFeatures(_f), dv = _width / _heads;
        return new(_heads * (ff * dv + ff) + (long)(_kernel - 1) * _width,
            $"H={_heads}·(F·d_v + F) + (K-1)·D with F=1+f+f²={ff} (f={_f}), d_v={dv}, K={_kernel}, D={_width}");
    }
}
