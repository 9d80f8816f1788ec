using Subquad.Learn.Autodiff;
using Subquad.Learn.Mixers;
using Subquad.Learn.Ops;
using Subquad.Learn.Training;

namespace Subquad.Learn.Model;

/// <summary>
/// The shared block, identical for every architecture except the mixer:
/// x = E u (+ P[t]); per layer x += Mixer(RMSNorm(x)); x += MLP(RMSNorm(x)); logits = Head(RMSNorm(x)),
/// with MLP = Linear(D → eD) · GELU · Linear(eD → D).
/// </summary>
public sealed class SequenceModel
{
    private readonly Tensor _embed, _embedBias, _head, _headBias, _finalNorm;
    private readonly Tensor? _positions;
    private readonly Layer[] _layers;

    /// <summary>A model with parameters drawn from <paramref name="seed"/>.</summary>
    public SequenceModel(ModelConfig config, int seed)
    {
        if (config.Mixer.Validate() is { } error) throw new ArgumentException($"model: {error}", nameof(config));
        Config = config;
        var init = new Init(seed);
        int d = config.Width, hidden = config.MlpExpand * d;
        _embed = init.LinearWeight("embed", config.InputDim, d);
        _embedBias = Init.Constant("embed_b", 1, d, 0);
        _positions = config.Positions ? init.Normal("positions", config.MaxLength, d, 0.02) : null;
        _layers = new Layer[config.Layers];
        var parameters = new List<Parameter> { new(_embed), new(_embedBias, false) };
        if (_positions is not null) parameters.Add(new(_positions));
        for (int l = 0; l < config.Layers; l++)
        {
            var mixer = config.Mixer.Create(init, $"layer{l}.mixer.");
            var layer = new Layer(
                Init.Constant($"layer{l}.norm1", 1, d, 1), mixer, Init.Constant($"layer{l}.norm2", 1, d, 1),
                init.LinearWeight($"layer{l}.mlp1", d, hidden), Init.Constant($"layer{l}.mlp1_b", 1, hidden, 0),
                init.LinearWeight($"layer{l}.mlp2", hidden, d), Init.Constant($"layer{l}.mlp2_b", 1, d, 0));
            _layers[l] = layer;
            parameters.Add(new(layer.Norm1, false));
            parameters.AddRange(mixer.Parameters);
            parameters.AddRange([new(layer.Norm2, false), new(layer.Mlp1), new(layer.Mlp1B, false), new(layer.Mlp2), new(layer.Mlp2B, false)]);
        }

        _finalNorm = Init.Constant("final_norm", 1, d, 1);
        _head = init.LinearWeight("head", d, config.Classes);
        _headBias = Init.Constant("head_b", 1, config.Classes, 0);
        parameters.AddRange([new(_finalNorm, false), new(_head), new(_headBias, false)]);
        Parameters = parameters;
    }

    /// <summary>The architecture.</summary>
    public ModelConfig Config { get; }

    /// <summary>All trainable parameters.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Total trainable numbers.</summary>
    public long ParameterCount => Parameters.Sum(p => (long)p.Value.Length);

    /// <summary>Inference state of all layers after <paramref name="length"/> tokens.</summary>
    public StateSize State(int length) => _layers[0].Mixer.State(length).Times(_layers.Length);

    /// <summary>Per-token logits [batch * length, classes] for inputs [batch * length, InputDim].</summary>
    public Tensor Forward(Tape tape, float[] inputs, int batch, int length)
    {
        if (length > Config.MaxLength) throw new ArgumentOutOfRangeException(nameof(length), length, $"longer than the model's {Config.MaxLength} positions");
        var u = new Tensor(batch * length, Config.InputDim, inputs);
        var x = Linear.Apply(tape, u, _embed, _embedBias);
        if (_positions is not null) x = Elementwise.Add(tape, x, Embedding.Apply(tape, _positions, Embedding.Positions(batch, length)));
        foreach (var layer in _layers)
        {
            x = Elementwise.Add(tape, x, layer.Mixer.Forward(tape, Norms.RmsNorm(tape, x, layer.Norm1), batch, length));
            var h = Activations.Gelu(tape, Linear.Apply(tape, Norms.RmsNorm(tape, x, layer.Norm2), layer.Mlp1, layer.Mlp1B));
            x = Elementwise.Add(tape, x, Linear.Apply(tape, h, layer.Mlp2, layer.Mlp2B));
        }

        return Linear.Apply(tape, Norms.RmsNorm(tape, x, _finalNorm), _head, _headBias);
    }

    private sealed record Layer(Tensor Norm1, IMixer Mixer, Tensor Norm2, Tensor Mlp1, Tensor Mlp1B, Tensor Mlp2, Tensor Mlp2B);
}
