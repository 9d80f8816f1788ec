using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;
using Subquad.Learn.Training;

namespace Subquad.Learn.Mixers;

/// <summary>
/// Softmax attention as Zoology's MHA (ALTERNATIVES.md 3.10): one fused qkv projection with bias, causal (or
/// sliding-window) attention per head, an output projection with bias.
/// State: the KV cache, 2·L·D numbers for full attention and 2·min(W, L)·D for a window of W keys.
/// </summary>
public sealed class AttentionMixer : IMixer
{
    private readonly Tensor _wqkv, _bqkv, _wo, _bo;
    private readonly Tensor? _qNorm, _kNorm, _logScale;
    private readonly int _width, _heads;
    private readonly int? _window;

    internal AttentionMixer(Init init, string prefix, int width, int heads, int? window, bool qkNorm = false, double? logitScale = null)
    {
        _width = width;
        _heads = heads;
        _window = window;
        _wqkv = init.LinearWeight(prefix + "wqkv", width, 3 * width);
        _bqkv = Init.Constant(prefix + "bqkv", 1, 3 * width, 0);
        _wo = init.LinearWeight(prefix + "wo", width, width);
        _bo = Init.Constant(prefix + "bo", 1, width, 0);
        var parameters = new List<Parameter> { new(_wqkv), new(_bqkv, false), new(_wo), new(_bo, false) };
        if (qkNorm)
        {
            _qNorm = Init.Constant(prefix + "q_norm", 1, width, 1);
            _kNorm = Init.Constant(prefix + "k_norm", 1, width, 1);
            parameters.AddRange([new(_qNorm, false), new(_kNorm, false)]);
        }

        if (logitScale is { } g)
        {
            // One learned temperature per head, log-parameterised and not decayed (see HeadScale); at the base rate Adam
            // moves log g by about the rate per step, so doubling the sharpness would take hundreds of steps: it learns at
            // TemperatureLearningRateScale times the base rate.
            _logScale = Init.Constant(prefix + "log_scale", 1, heads, (Real)Math.Log(g));
            parameters.Add(new(_logScale, false, TemperatureLearningRateScale));
        }

        Parameters = parameters;
    }

    /// <summary>The learning-rate multiplier of the learned temperature (measured: see docs/learn.md).</summary>
    public const double TemperatureLearningRateScale = 10;

    /// <inheritdoc/>
    public MixerKind Kind => _window is null ? MixerKind.Attention : MixerKind.SlidingWindow;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x, int batch, int length)
    {
        var qkv = Linear.Apply(tape, x, _wqkv, _bqkv);
        var q = Elementwise.Columns(tape, qkv, 0, _width);
        var k = Elementwise.Columns(tape, qkv, _width, _width);
        var v = Elementwise.Columns(tape, qkv, 2 * _width, _width);
        if (_qNorm is not null && _kNorm is not null)
        {
            // QK-norm: every query and key row to RMS 1 (over all heads' columns), times a learned gain.
            q = Norms.RmsNorm(tape, q, _qNorm);
            k = Norms.RmsNorm(tape, k, _kNorm);
        }

        if (_logScale is not null) q = HeadScale.Apply(tape, q, _logScale);
        var y = CausalAttention.Apply(tape, q, k, v, batch, length, _heads, _window);
        return Linear.Apply(tape, y, _wo, _bo);
    }

    /// <inheritdoc/>
    public StateSize State(int length) => _window is { } w
        ? new(2L * Math.Min(w, length) * _width, $"2·min(W={w}, L={length})·D={_width}")
        : new(2L * length * _width, $"2·L={length}·D={_width}");
}
