using Subquad.Core.Solvers;
using Subquad.Hardness.Sat;
using Subquad.Lab.Transformers;
using Subquad.Models.Runtimes;

namespace Subquad.Lab.Sat;

/// <summary>The routes of <c>subquad sat</c>: the exact chains of Hardness and the transformer routes of Cor 3.2.</summary>
public static class SatRoutes
{
    private static ISimilaritySolver Exact(SatRouteSettings s) => s.Oracle ? ExactSolvers.Oracle : ExactSolvers.Default;

    private static ISimilaritySolver Transformer(SatRouteSettings s) => new TransformerSolver(s.Runtime == "onnx" ? OnnxTransformerRuntime.Float64 : null);

    /// <summary>Every route, in --help order.</summary>
    public static IReadOnlyList<SatRoute> All { get; } =
    [
        new("ov", "bichromatic OV", ["solver"], _ => SatChain.Ov, Exact),
        new("lsd", "Lemma A.4 + Thm 3.1 (gamma-LSD)", ["solver", "gamma"], s => SatChain.Lsd(s.Gamma), Exact),
        new("bmaxip", "A.4 + Lemma A.13", ["solver"], _ => SatChain.BMaxIp, Exact),
        new("bmsd", "A.4 + Thm 1.3 = A.13 + B.5", ["solver"], _ => SatChain.BMsd, Exact),
        new("transformer", "Cor 3.2: bichromatic LSD_0 decided by the one-head transformer of Thm C.2, which also names the pair", ["runtime"], _ => SatChain.LsdZero, Transformer),
        new("transformer-mono", "A.4 + monochromatic LSD_0 by the transformer", ["runtime"], _ => SatChain.LsdZeroMonochromatic, Transformer),
    ];

    /// <summary>The route named <paramref name="name"/>, or null.</summary>
    public static SatRoute? Find(string name) => All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The settings in <paramref name="given"/> (those the user set explicitly) that <paramref name="route"/> does not
    /// read, with the reason; null when every one is used.
    /// </summary>
    public static string? Unused(SatRoute route, IEnumerable<string> given)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(given);
        var unused = given.Where(g => !route.Uses.Contains(g)).ToList();
        if (unused.Count == 0) return null;
        string uses = string.Join(", ", route.Uses.Select(u => "--" + u));
        return $"{string.Join(", ", unused.Select(u => "--" + u))} {(unused.Count == 1 ? "does" : "do")} not apply to --via {route.Name}, which reads only {uses}";
    }
}
