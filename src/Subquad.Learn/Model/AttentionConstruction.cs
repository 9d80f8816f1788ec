using Subquad.Core.Problems;
using Subquad.Learn.Mixers;
using Subquad.Learn.Tasks;

namespace Subquad.Learn.Model;

/// <summary>
/// Hand-set weights that make the shared block solve causal partner recall with one attention head: the paper's
/// Theorem 4.1 construction (score = a scaled inner product, a sentinel key that wins exactly when no earlier document
/// passes the test) written into <see cref="SequenceModel"/>'s own parameters. It answers "can the block we train
/// represent the solution at all?" separately from "does training find it?".
/// </summary>
/// <remarks>
/// <para>Statement: for a constant-weight family (every document has w ones among l bits, features x ∈ {±1}^l,
/// s = 2w − l = Σ x), the bit inner product is affine in the feature inner product: ip(i, j) = (x_i·x_j + 2s + l)/4.
/// With q = −β x_i and k = (I + α u uᵀ) e_j (u = 1/√l), the score of document j is −β ρ²(4 ip − 2s − l + α s²/l)/√D
/// and the BOS key's is −β ρ² s (1 + α)/√D; α = (4m − 3s − l)/(s − s²/l) puts the BOS score exactly where a
/// document with ip = m would score, m = τ + ½ halfway between passing (ip ≤ τ) and failing. So the softmax mass
/// sits on earlier partners when one exists and on the BOS otherwise.</para>
/// <para>Construction: embedding = identity on the l bits, the BOS flag maps to c·u (after RMSNorm every document is
/// ρx and the BOS is ρ√l u, ρ = √(D/l)); positions, both MLPs and the second layer's mixer output are zero; the value
/// is 1 for documents and 0 for the BOS (read off u·e), the output projection writes it along u; the head compares
/// the normalised u-coordinate with 0 (the map z ↦ z/rms is monotone because the rest of the residual is fixed).
/// Self is inside the causal window but scores ip = w &gt; τ, so it never passes OV's or LSD's test.</para>
/// <para>Size: one head of width D ≥ l, any number of layers (the later ones are set to the identity).</para>
/// <para>References: Alman and Yu, arXiv 2410.04271, Theorem 4.1 (one head with a sentinel row); /work/shared/paper.md.
/// MSD (ip ≥ τ) is not built: self always passes its test (ip = w ≥ τ) and suppressing the diagonal needs position
/// dimensions beyond the l the documents use, so <see cref="Apply"/> refuses it.</para>
/// </remarks>
public static class AttentionConstruction
{
    /// <summary>
    /// Writes the construction into <paramref name="model"/> for <paramref name="family"/>; <paramref name="margin"/>
    /// is the score gap (nats) between the BOS and the nearest document class.
    /// </summary>
    public static void Apply(SequenceModel model, PartnerFamily family, double margin = 12)
    {
        var config = model.Config;
        int l = family.Dimensions, d = config.Width;
        if (config.Mixer.Kind != MixerKind.Attention || config.Mixer.Heads != 1 || config.Mixer.QkNorm) throw new ArgumentException("the construction needs full causal attention with one head and no QK-norm");
        if (d < l) throw new ArgumentException($"width {d} is below the {l} document bits the construction keeps");
        if (config.InputDim != l + 1) throw new ArgumentException($"input has {config.InputDim} features; expected {l} bits and a BOS flag");
        if (family.Kind is not (ProblemKind.Ov or ProblemKind.Lsd)) throw new NotSupportedException($"{family.Name}: self passes the test (ip = w ≥ τ); the construction covers OV and LSD");
        double s = 2.0 * family.Weight - l;
        if (s == 0 || s == l) throw new ArgumentException("weight l/2 or l leaves the BOS indistinguishable along u");
        double m = family.Tau + 0.5;
        double alpha = (4 * m - 3 * s - l) / (s - s * s / l);
        double rho2 = (double)d / l, rho = Math.Sqrt(rho2), sqrtL = Math.Sqrt(l), sqrtD = Math.Sqrt(d);
        double beta = margin * sqrtD / (2 * rho2); // BOS sits 2βρ²/√D above (below) the first passing (failing) class
        double u = 1 / sqrtL;

        foreach (var p in model.Parameters) Array.Clear(p.Value.Data);
        var w = model.Parameters.ToDictionary(p => p.Name, p => p.Value);

        var embed = w["embed"];
        for (int k = 0; k < l; k++)
        {
            embed.Data[k * d + k] = 1;
            embed.Data[l * d + k] = (float)u; // BOS flag → u (its RMS is then rescaled by the norm)
        }

        for (int layer = 0; layer < config.Layers; layer++)
        {
            Fill(w[$"layer{layer}.norm1"].Data, 1);
            Fill(w[$"layer{layer}.norm2"].Data, 1);
        }

        Fill(w["final_norm"].Data, 1);

        var qkv = w["layer0.mixer.wqkv"];
        var bqkv = w["layer0.mixer.bqkv"];
        int cols = 3 * d;
        for (int r = 0; r < l; r++)
        {
            qkv.Data[r * cols + r] = (float)-beta;
            for (int c = 0; c < l; c++) qkv.Data[r * cols + d + c] = (float)((r == c ? 1 : 0) + alpha * u * u);
        }

        // Value column 0: (u·e_BOS − u·e) / (u·e_BOS − u·e_doc) = 1 on documents, 0 on the BOS.
        double bosU = rho * sqrtL, docU = rho * s / sqrtL, span = bosU - docU;
        for (int r = 0; r < l; r++) qkv.Data[r * cols + 2 * d] = (float)(-u / span);
        bqkv.Data[2 * d] = (float)(bosU / span);

        // Output: y0 along u with the scale that mirrors the document's u-coordinate z0 = s/√l to −z0.
        double z0 = s / sqrtL, c2 = -2 * z0;
        var wo = w["layer0.mixer.wo"];
        for (int c = 0; c < l; c++) wo.Data[c] = (float)(c2 * u);

        // Head: class 1 when the normalised u-coordinate has crossed 0 towards −z0.
        var head = w["head"];
        double gain = 4 * Math.Sign(-z0);
        for (int r = 0; r < l; r++) head.Data[r * config.Classes + 1] = (float)(gain * u);
    }

    private static void Fill(float[] data, float value) => Array.Fill(data, value);
}
