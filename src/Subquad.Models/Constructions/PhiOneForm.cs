namespace Subquad.Models.Constructions;

/// <summary>The closed form of phi1 a construction uses (the ONNX exporter builds the same formula as a graph).</summary>
public enum PhiOneForm
{
    /// <summary>Thm 4.1: phi1 = identity, sentinel 0^l.</summary>
    Identity,

    /// <summary>Lemma D.2: g = clamp(2 - x[l], 0, 1); phi1(x) = g (x, 1) + (1 - g) (0, x).</summary>
    AppendFlag,

    /// <summary>Lemma D.3 in HEAD's form: phi1(x) = g (x / max(||x||_2, 1/2), 1) + (1 - g) (0_l, x[l] - 1).</summary>
    Normalising,

    /// <summary>
    /// The corrected constructions' tagged rows (v, kind, position), kind 0 = A, 1 = B, 2 = sentinel:
    /// phi1 = g doc(x) + (1 - g) tau with g = clamp(2 - kind, 0, 1) (see <see cref="TaggedLayout"/>).
    /// </summary>
    Tagged,
}
