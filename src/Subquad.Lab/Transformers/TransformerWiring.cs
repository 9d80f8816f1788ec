using Subquad.Core.Problems;
using Subquad.Lab.Duel;
using Subquad.Lab.Families;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Lab.Transformers;

/// <summary>
/// Joins the duel to the rest of the house: the paper's constructions (Thm 4.1 / C.1 / C.2, Corrected and Robust,
/// from Subquad.Models) as the transformer's input, Subquad's attention engine as its exact attention, and the
/// SAT-derived family from Subquad.Hardness's CNF -> OV chain.
/// </summary>
public static class TransformerWiring
{
    /// <summary>The wiring <c>subquad duel</c> and <c>subquad demo</c> use.</summary>
    public static DuelWiring Standard() => new()
    {
        Construct = (instance, problem) => TransformerConstructions.Create(problem, instance).Build(instance),
        ExactAttention = AttentionEngine.Default,
        ConstructionName = "Thm 4.1 / C.1 / C.2, corrected, robust scale",
        ExtraFamilies = new Dictionary<string, IInstanceFamily> { ["sat"] = new SatFamily() },
    };
}
