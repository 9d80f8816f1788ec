using Subquad.Learn.Autodiff;
using Subquad.Learn.Ops;
using Subquad.Learn.Training;

namespace Subquad.Learn.Mixers;

/// <summary>
/// Mamba-1 (ALTERNATIVES.md 3.1, mamba_simple.Mamba): in_proj to [x ‖ z] (2E), depthwise causal conv + SiLU on x,
/// x_proj to [δ_low ‖ B ‖ C], Δ = softplus(dt_proj(δ_low) + b_dt), the selective scan with A = -exp(A_log) and skip D,
/// the gate y ⊙ SiLU(z), out_proj. E = expand·D, R = ⌈D/16⌉.
/// State per layer: E·N numbers for h plus E·(d_conv - 1) for the convolution window.
/// </summary>
public sealed class MambaMixer : IMixer
{
    private readonly Tensor _win, _convW, _convB, _wx, _wdt, _bdt, _aLog, _d, _wout;
    private readonly int _e, _n, _r, _kernel;

    internal MambaMixer(Init init, string prefix, int width, int stateDim, int kernel, int expand)
    {
        _e = expand * width;
        _n = stateDim;
        _r = (width + 15) / 16;
        _kernel = kernel;
        _win = init.LinearWeight(prefix + "in_proj", width, 2 * _e);
        _convW = init.Uniform(prefix + "conv_w", _e, kernel, 1 / Math.Sqrt(kernel));
        _convB = init.Uniform(prefix + "conv_b", 1, _e, 1 / Math.Sqrt(kernel));
        _wx = init.LinearWeight(prefix + "x_proj", _e, _r + 2 * _n);
        _wdt = init.Uniform(prefix + "dt_proj_w", _r, _e, 1 / Math.Sqrt(_r));
        // Δ bias: dt ~ exp(U[ln 1e-3, ln 0.1]) clamped at 1e-4, stored as its inverse softplus.
        _bdt = new Tensor(1, _e, requiresGrad: true, name: prefix + "dt_proj_b");
        for (int c = 0; c < _e; c++)
        {
            double dt = Math.Max(1e-4, Math.Exp(Math.Log(1e-3) + init.Random.NextDouble() * (Math.Log(0.1) - Math.Log(1e-3))));
            _bdt.Data[c] = (Real)(dt + Math.Log(1 - Math.Exp(-dt))); // ln(-expm1(-dt)); dt >= 1e-4 keeps it accurate in float64
        }

        // A_log = ln(1..N) per channel (S4D-real).
        _aLog = new Tensor(_e, _n, requiresGrad: true, name: prefix + "A_log");
        for (int c = 0; c < _e; c++)
        {
            for (int k = 0; k < _n; k++) _aLog.Data[c * _n + k] = RealMath.Log(k + 1);
        }

        _d = Init.Constant(prefix + "D", 1, _e, 1);
        _wout = init.LinearWeight(prefix + "out_proj", _e, width);
        Parameters = [new(_win), new(_convW), new(_convB, false), new(_wx), new(_wdt), new(_bdt, false), new(_aLog, false), new(_d, false), new(_wout)];
    }

    /// <inheritdoc/>
    public MixerKind Kind => MixerKind.Mamba;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor u, int batch, int length)
    {
        var xz = Linear.Apply(tape, u, _win);
        var x = Elementwise.Columns(tape, xz, 0, _e);
        var z = Elementwise.Columns(tape, xz, _e, _e);
        var xc = Activations.Silu(tape, CausalConv.Apply(tape, x, _convW, _convB, batch, length));
        var dbc = Linear.Apply(tape, xc, _wx);
        var delta = Activations.Softplus(tape, Linear.Apply(tape, Elementwise.Columns(tape, dbc, 0, _r), _wdt, _bdt));
        var b = Elementwise.Columns(tape, dbc, _r, _n);
        var c = Elementwise.Columns(tape, dbc, _r + _n, _n);
        var y = SelectiveScan.Apply(tape, xc, delta, _aLog, b, c, _d, batch, length);
        return Linear.Apply(tape, Elementwise.Mul(tape, y, Activations.Silu(tape, z)), _wout);
    }

    /// <inheritdoc/>
    public StateSize State(int length) =>
        new((long)_e * _n + (long)_e * (_kernel - 1), $"E·N + E·(d_conv-1) with E={_e}, N={_n}, d_conv={_kernel}");
}
