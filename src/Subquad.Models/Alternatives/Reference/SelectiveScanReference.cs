using Subquad.Models.Alternatives.Recurrent;
using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Reference;

/// <summary>
/// The oracle for <see cref="Mamba"/>: the same projections, then the scan as selective_scan_ref writes it, one time
/// step after another: deltaA = exp(Delta A), deltaB_u = Delta B x, h = deltaA h + deltaB_u, y = h C (+ D x, gate).
/// </summary>
public static class SelectiveScanReference
{
    /// <summary>The Mamba-1 forward with a sequential scan.</summary>
    public static Matrix Forward(Mamba mamba, Matrix u)
    {
        ArgumentNullException.ThrowIfNull(mamba);
        ArgumentNullException.ThrowIfNull(u);
        var w = mamba.Weights;
        var p = Mamba.Project(w, u);
        int e = w.Inner, n = w.StateSize;
        var h = new Matrix(e, n);
        var output = new Matrix(u.Rows, w.ModelWidth);
        for (int t = 0; t < u.Rows; t++)
        {
            for (int ch = 0; ch < e; ch++)
            {
                for (int s = 0; s < n; s++)
                {
                    double a = -Math.Exp(w.ALog[ch, s]);
                    double deltaA = Math.Exp(p.Delta[t, ch] * a);
                    double deltaBu = p.Delta[t, ch] * p.B[t, s] * p.X[t, ch];
                    h[ch, s] = (deltaA * h[ch, s]) + deltaBu;
                }
            }

            Mamba.Readout(w, h, p.X.Row(t), p.Z.Row(t), p.C.Row(t), output.Row(t));
        }

        return output;
    }
}
