using Subquad.Core.Problems;
using Subquad.Core.Vectors;
using Subquad.Models.Attention;

namespace Subquad.Lab.Tests.Duel;

/// <summary>
/// A minimal Thm 4.1 OV construction for the Lab's own tests only (the real constructions live in
/// Subquad.Models.Constructions): X = the binary rows then a zero sentinel row; M = Q K^T = -lambda I with
/// Q = -lambda [I | 0], K = [I | 0] (l x (l+1)); V = 1 (val_j = ||v_j||_1, sentinel 0); robust lambda =
/// ln(4 n (n+1) l) + 1 (paper.md section 7 item 5); phi2 = Lemma D.1 over rows 0..n-1 with a = 1/(2(n+1)), b = 1/(n+1).
/// </summary>
internal static class TestOvConstruction
{
    public static ConstructedInput Build(SimilarityInstance instance, Problem problem)
    {
        if (problem.Kind != ProblemKind.Ov) throw new NotSupportedException($"the test construction covers OV only, not {problem}");
        if (instance.IsBichromatic) throw new NotSupportedException("the test construction is monochromatic");
        var vectors = (BinaryVectors)instance.A;
        int n = vectors.Count, l = vectors.Dimensions;
        var x = new Matrix(n + 1, l);
        for (int i = 0; i < n; i++) for (int a = 0; a < l; a++) x[i, a] = vectors[i, a] ? 1 : 0;
        double lambda = Math.Log(4.0 * n * (n + 1) * l) + 1;
        var q = new Matrix(l, l + 1);
        var k = new Matrix(l, l + 1);
        var v = new Matrix(l, 1);
        for (int a = 0; a < l; a++)
        {
            q[a, a] = -lambda;
            k[a, a] = 1;
            v[a, 0] = 1;
        }

        double low = 1.0 / (2 * (n + 1)), high = 1.0 / (n + 1);
        double Phi2(Matrix output)
        {
            double none = 1;
            for (int i = 0; i < n; i++) none *= 1 - Math.Clamp((output[i, 0] - low) / (high - low), 0, 1);
            return 1 - none;
        }

        return new ConstructedInput(x, new AttentionWeights(q, k, v), n, Phi2);
    }
}
