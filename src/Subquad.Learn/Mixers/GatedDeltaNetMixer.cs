using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;
using Subquad.Learn.Training;

namespace Subquad.Learn.Mixers;

/// <summary>
/// Gated DeltaNet (Yang et al. 2024, as fla's naive recurrence): a depthwise short causal convolution (kernel 4; fla
/// convolves q, k, v separately, one shared convolution of the input is our simplification), q, k = L2-normalised
/// SiLU projections per head,
/// v a projection, β = σ(x W_β + b_β), decay α = σ(x W_α + b_α) (b_α starts at 5, α ≈ 0.993, a slowly forgetting
/// memory), the gated delta rule, an output projection.
/// State per layer: H·d² = D²/H numbers (one d×d matrix per head) plus (K - 1)·D for the convolution window.
/// </summary>
public sealed class GatedDeltaNetMixer : IMixer
{
    private readonly Tensor _convW, _convB, _wq, _wk, _wv, _wb, _bb, _wa, _ba, _wo;
    private const int Kernel = 4;
    private readonly int _width, _heads;

    internal GatedDeltaNetMixer(Init init, string prefix, int width, int heads)
    {
        _width = width;
        _heads = heads;
        _convW = init.Uniform(prefix + "conv_w", width, Kernel, 1 / Math.Sqrt(Kernel));
        _convB = Init.Constant(prefix + "conv_b", 1, width, 0);
        _wq = init.LinearWeight(prefix + "wq", width, width);
        _wk = init.LinearWeight(prefix + "wk", width, width);
        _wv = init.LinearWeight(prefix + "wv", width, width);
        _wb = init.LinearWeight(prefix + "w_beta", width, heads);
        _bb = Init.Constant(prefix + "b_beta", 1, heads, 0);
        _wa = init.LinearWeight(prefix + "w_alpha", width, heads);
        _ba = Init.Constant(prefix + "b_alpha", 1, heads, 5);
        _wo = init.LinearWeight(prefix + "wo", width, width);
        Parameters = [new(_convW), new(_convB, false), new(_wq), new(_wk), new(_wv), new(_wb), new(_bb, false), new(_wa), new(_ba, false), new(_wo)];
    }

    /// <inheritdoc/>
    public MixerKind Kind => MixerKind.GatedDeltaNet;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x, int batch, int length)
    {
        int d = _width / _heads;
        x = CausalConv.Apply(tape, x, _convW, _convB, batch, length);
        var q = Norms.L2Normalize(tape, Activations.Silu(tape, Linear.Apply(tape, x, _wq)), d);
        var k = Norms.L2Normalize(tape, Activations.Silu(tape, Linear.Apply(tape, x, _wk)), d);
        var v = Linear.Apply(tape, x, _wv);
        var beta = Activations.Sigmoid(tape, Linear.Apply(tape, x, _wb, _bb));
        var alpha = Activations.Sigmoid(tape, Linear.Apply(tape, x, _wa, _ba));
        var o = GatedDeltaRule.Apply(tape, q, k, v, beta, alpha, batch, length, _heads);
        return Linear.Apply(tape, o, _wo);
    }

    /// <inheritdoc/>
    public StateSize State(int length)
    {
        long d = _width / _heads;
        return new(_heads * d * d + (long)(Kernel - 1) * _width, $"H·d² + (K-1)·D with H={_heads}, d=D/H={d}, K={Kernel}, D={_width}");
    }
}
