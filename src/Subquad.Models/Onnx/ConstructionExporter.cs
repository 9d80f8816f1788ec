using Subquad.Core.Problems;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;
using Subquad.Models.Onnx.Proto;

namespace Subquad.Models.Onnx;

/// <summary>
/// Exports a <see cref="SentinelConstruction"/> as one ONNX graph of standard operators: phi1 (Slice, Clip, Concat,
/// elementwise arithmetic, ReduceSum, Sqrt, Abs, Relu), the attention unit (MatMul, Transpose, Softmax over the last
/// axis, MatMul) and phi2 (Slice off the sentinel row, Clip, ReduceProd). Input "E" is the raw (n+1) x d matrix
/// including the sentinel row; outputs "tf" (the scalar phi2) and "attention" ((n+1) x d_out).
/// </summary>
/// <remarks>
/// Dynamic number of documents: when d_in does not depend on n (every construction except the monochromatic
/// corrected ones with the n-wide position block, and the search variant whose index column scales by n), the first
/// dimension of E is the symbol "rows" and lambda, a and b are computed inside the graph from n = rows - 1 by the
/// same formulas as <see cref="TransformerConstructions"/>, so one file serves every n. Otherwise the shape is fixed.
/// ONNX Runtime's Softmax materialises the (n+1) x (n+1) score matrix: n^2 floats, unlike the streaming engine.
/// </remarks>
public static class ConstructionExporter
{
    /// <summary>True when the exported graph can take any number of documents.</summary>
    public static bool SupportsDynamicRows(SentinelConstruction construction)
    {
        ArgumentNullException.ThrowIfNull(construction);
        return !construction.Search && (construction.Layout is null || construction.Layout.PositionCount == 0);
    }

    /// <summary>The ONNX model of the whole transformer TF(E) = phi2(A(phi1(E))).</summary>
    public static ModelProto Export(SentinelConstruction construction, OnnxElementType elementType = OnnxElementType.Float64)
    {
        ArgumentNullException.ThrowIfNull(construction);
        var w = new OnnxGraphWriter(elementType);
        bool dynamic = SupportsDynamicRows(construction);
        object rows = dynamic ? "rows" : construction.Documents + 1;

        // n, lambda, a, b: computed from the input's row count when dynamic, constants otherwise.
        string lambda, a, b, n;
        if (dynamic)
        {
            var shape = w.Op("Shape", "E");
            var count = w.Op("Gather", [shape, w.Int64s("zero", 0)], OnnxBuilder.MakeAttribute("axis", 0L));
            var rowsValue = w.Op("Cast", count, OnnxBuilder.MakeAttribute("to", (long)w.DataType));
            n = w.Sub(rowsValue, w.Scalar(1));
            (lambda, a, b) = ScaleInGraph(w, construction, n);
        }
        else
        {
            n = w.Scalar(construction.Documents, "n");
            lambda = w.Scalar(construction.Lambda, "lambda");
            a = w.Scalar(construction.PhiTwoLow, "a");
            b = w.Scalar(construction.PhiTwoHigh, "b");
        }

        string x = PhiOne(w, construction, "E", n);

        // The attention unit of Def 2.1 with Q = lambda * Q0: scores = (X Q0 lambda)(X K)^T, softmax per row, times X V.
        var weights = construction.Weights;
        int din = weights.InputWidth, m = weights.EmbeddingDimension, dout = weights.OutputWidth;
        // Static graphs carry Q itself: a constant scale after the MatMul would be fused by ONNX Runtime into
        // FusedMatMul with a float32 alpha, rounding lambda to 24 bits (seen as 1e-7 relative differences).
        string xq;
        if (dynamic)
        {
            var q0 = new double[weights.Q.Data.Length];
            for (int i = 0; i < q0.Length; i++) q0[i] = weights.Q.Data[i] / construction.Lambda;
            xq = w.Mul(w.MatMul(x, w.Constant("Q0", [din, m], q0)), lambda);
        }
        else
        {
            xq = w.MatMul(x, w.Constant("Q", [din, m], weights.Q.Data));
        }

        var xk = w.MatMul(x, w.Constant("K", [din, m], weights.K.Data));
        var xv = w.MatMul(x, w.Constant("V", [din, dout], weights.V.Data));
        var scores = w.MatMul(xq, w.Op("Transpose", xk, OnnxBuilder.MakeAttribute("perm", new long[] { 1, 0 })));
        var probabilities = w.Op("Softmax", scores, OnnxBuilder.MakeAttribute("axis", -1L));
        var attention = w.MatMul(probabilities, xv);

        // phi2 (Lemma D.1) over rows 0..n-1: the sentinel row (the last) is sliced off.
        var documents = w.Slice(attention, 0, -1, 0);
        var values = w.Slice(documents, construction.DecisionColumn, construction.DecisionColumn + 1, 1);
        var g = w.Op("Clip", [w.Div(w.Sub(values, a), w.Sub(b, a)), w.Scalar(0, "lo"), w.Scalar(1, "hi")]);
        var none = w.Op("ReduceProd", w.OneMinus(g), OnnxBuilder.MakeAttribute("keepdims", 0L));
        var tf = w.OneMinus(none);
        w.Output(tf, "tf");
        w.Output(attention, "attention");

        var graph = OnnxBuilder.MakeGraph(
            w.Nodes,
            "subquad_" + construction.Problem.Kind.CliName(),
            [OnnxBuilder.MakeTensorValueInfo("E", w.DataType, rows, construction.RawWidth)],
            [OnnxBuilder.MakeTensorValueInfo("tf", w.DataType), OnnxBuilder.MakeTensorValueInfo("attention", w.DataType, rows, dout)],
            w.Initializers,
            construction.ToString());
        return OnnxBuilder.MakeModel(graph, $"Alman & Yu (ICLR 2025) {construction.Theorem}: {construction.Problem}; {construction}");
    }

    private static (string Lambda, string A, string B) ScaleInGraph(OnnxGraphWriter w, SentinelConstruction c, string n)
    {
        var nPlusOne = w.Add(n, w.Scalar(1));
        var b = w.Div(w.Scalar(1), nPlusOne);
        string a;
        string lambda;
        if (c.Scale == ConstructionScale.Paper)
        {
            a = w.Op("Pow", [nPlusOne, w.Scalar(-1.5)]);
            lambda = w.Mul(w.Scalar(3), w.Op("Log", n));
        }
        else
        {
            a = w.Div(w.Scalar(1), w.Mul(w.Scalar(2), nPlusOne));

            // lambda = ln(4 n (n+1) v_max) / delta + (1 for inner products); delta = gap (as written) or gap / 2
            // (corrected, whose sentinel sits at the midpoint), exactly as TransformerConstructions computes it.
            double delta = c.Margin;
            double add = c.Problem.Kind.IsCosine() ? 0 : 1;
            // delta and the constants are [1, 1] tensors, not scalars, for the same reason as tau (NoopElimination).
            var log = w.Op("Log", w.Mul(w.Mul(n, nPlusOne), w.Constant("vmax4", [1, 1], [4 * c.MaxValue])));
            lambda = w.Add(w.Div(log, w.Constant("delta", [1, 1], [delta])), w.Constant("add", [1, 1], [add]));
        }

        return (lambda, a, b);
    }

    private static string PhiOne(OnnxGraphWriter w, SentinelConstruction c, string e, string n)
    {
        int l = c.Shape.Dimensions;
        switch (c.Form)
        {
            case PhiOneForm.Identity:
                return w.Op("Identity", e);
            case PhiOneForm.AppendFlag:
            {
                // g (x, 1) + (1 - g) (0, x), g = clamp(2 - x[l], 0, 1).
                var last = w.Slice(e, l - 1, l, 1);
                var g = w.Clip(w.Sub(w.Scalar(2), last), 0, 1);
                var zero = w.Mul(last, w.Scalar(0));
                var one = w.Add(zero, w.Scalar(1));
                var doc = w.Op("Concat", [e, one], OnnxBuilder.MakeAttribute("axis", 1L));
                var sentinel = w.Op("Concat", [zero, e], OnnxBuilder.MakeAttribute("axis", 1L));
                return w.Add(w.Mul(g, doc), w.Mul(w.OneMinus(g), sentinel));
            }

            case PhiOneForm.Normalising:
            {
                // g (x / max(||x||_2, 1/2), 1) + (1 - g) (0_l, x[l] - 1).
                var last = w.Slice(e, l - 1, l, 1);
                var g = w.Clip(w.Sub(w.Scalar(2), last), 0, 1);
                var zero = w.Mul(last, w.Scalar(0));
                var one = w.Add(zero, w.Scalar(1));
                var normalised = w.Div(e, Norm(w, e));
                var doc = w.Op("Concat", [normalised, one], OnnxBuilder.MakeAttribute("axis", 1L));
                var sentinel = w.Op("Concat", [w.Mul(e, w.Scalar(0)), w.Sub(last, w.Scalar(1))], OnnxBuilder.MakeAttribute("axis", 1L));
                return w.Add(w.Mul(g, doc), w.Mul(w.OneMinus(g), sentinel));
            }

            default:
                return PhiOneTagged(w, c, e, n);
        }
    }

    private static string Norm(OnnxGraphWriter w, string v)
    {
        var sum = w.Op("ReduceSum", [w.Mul(v, v), w.Int64s("axes", 1)], OnnxBuilder.MakeAttribute("keepdims", 1L));
        return w.Op("Max", [w.Op("Sqrt", sum), w.Scalar(0.5)]);
    }

    private static string PhiOneTagged(OnnxGraphWriter w, SentinelConstruction c, string e, string n)
    {
        // The tagged rows (v, kind, p) -> (feature, one, doc, colours, positions, index) = g doc(x) + (1 - g) tau.
        var layout = c.Layout!;
        int l = c.Shape.Dimensions;
        var v = w.Slice(e, 0, l, 1);
        var kind = w.Slice(e, l, l + 1, 1);
        var p = w.Slice(e, l + 1, l + 2, 1);
        var g = w.Clip(w.Sub(w.Scalar(2), kind), 0, 1);
        var colour = w.Clip(kind, 0, 1);
        var feature = c.Problem.Kind.IsCosine() ? w.Div(v, Norm(w, v)) : v;
        var parts = new List<string> { w.Mul(g, feature) };

        // The one-coordinate is g here; the sentinel's (t + 1) - sign * offset enters below as the row tau. It is never a
        // scalar operand: ONNX Runtime's NoopElimination treats a scalar within its tolerance of 1 (or 0) as exactly 1
        // (or 0) and drops the Mul (or Add), which rounded 1 + 5e-8 to 1 and turned a "no" into "yes" (issue 13).
        double sentinelOne = (c.ThresholdValue + 1) - (c.Sign * c.SentinelOffset);
        parts.Add(g);
        parts.Add(g);
        if (layout.ColourA >= 0)
        {
            parts.Add(w.Mul(g, w.OneMinus(colour)));
            parts.Add(w.Mul(g, colour));
        }

        if (layout.PositionCount > 0)
        {
            // Hat functions max(0, 1 - |p - k|): the one-hot e_p at integer p, continuous in p.
            var ks = new double[c.Code is null ? layout.PositionCount : c.Documents];
            for (int k = 0; k < ks.Length; k++) ks[k] = k;
            var distance = w.Op("Abs", w.Sub(p, w.Constant("positions", [1, ks.Length], ks)));
            var hats = w.Op("Relu", w.OneMinus(distance));
            if (c.Code is { } code)
            {
                // The interpolated codeword: hats (rows x n) times the codebook (n x k).
                var book = new double[ks.Length * code.Length];
                for (int i = 0; i < ks.Length; i++) code.Write(i, book.AsSpan(i * code.Length, code.Length));
                hats = w.MatMul(hats, w.Constant("codebook", [ks.Length, code.Length], book));
            }

            parts.Add(w.Mul(g, hats));
        }

        if (layout.Index >= 0) parts.Add(w.Mul(g, w.Div(p, n)));
        var documents = w.Op("Concat", [.. parts], OnnxBuilder.MakeAttribute("axis", 1L));
        var tau = new double[layout.Width];
        tau[layout.One] = sentinelOne;
        return w.Add(documents, w.Mul(w.OneMinus(g), w.Constant("tau", [1, layout.Width], tau)));
    }
}
