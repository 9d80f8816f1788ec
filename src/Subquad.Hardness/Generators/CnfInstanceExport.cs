using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Sat;

namespace Subquad.Hardness.Generators;

/// <summary>
/// The similarity instance of a CNF formula: split and list, then every stage of a chain, with every final query
/// materialised. <see cref="Write"/> stores each distinct vector set once as a numpy <c>.npy</c> file (0/1 bytes)
/// and a <c>chain.json</c> sidecar that lists the stages (sizes, parameters, references) and the queries.
/// </summary>
public static class CnfInstanceExport
{
    /// <summary>The sidecar's file name.</summary>
    public const string SidecarName = "chain.json";

    /// <summary>The final queries of <paramref name="chain"/> on <paramref name="formula"/>, with per-stage sizes.</summary>
    public static (IReadOnlyList<SimilarityQuery> Queries, JsonArray Stages, string? Settled) Expand(CnfFormula formula, SatChain chain, SplitAndListOptions? options = null, string? source = null)
    {
        var sat = CnfSatToOrthogonalVectors.Reduce(formula, options, source);
        var queries = new List<SimilarityQuery> { sat.Query(0) };
        var ov = queries[0].Instance;
        var stages = new JsonArray
        {
            new JsonObject
            {
                ["name"] = "split and list",
                ["reference"] = "Williams 2005",
                ["variables"] = formula.VariableCount,
                ["clauses"] = formula.ClauseCount,
                ["left_variables"] = CnfSatToOrthogonalVectors.LeftVariables(formula.VariableCount),
                ["rows_a"] = ov.A.Count,
                ["rows_b"] = ov.Right.Count,
                ["dimensions"] = ov.Dimensions,
                ["output"] = "bichromatic OV",
            },
        };
        string? settled = null;
        foreach (var stage in chain.Stages())
        {
            var next = new List<SimilarityQuery>();
            foreach (var q in queries)
            {
                var reduced = stage.Reduce(q.Instance, q.Problem);
                if (reduced.QueryCount == 0)
                {
                    settled ??= $"{stage.Reference} answered without a call (a zero vector: some half-assignment satisfies every clause)";
                }

                next.AddRange(reduced.AllQueries());
            }

            queries = next;
            stages.Add(new JsonObject
            {
                ["name"] = stage.Name,
                ["reference"] = stage.Reference,
                ["queries"] = queries.Count,
                ["max_rows"] = queries.Count == 0 ? 0 : queries.Max(x => x.Instance.A.Count + (x.Instance.B?.Count ?? 0)),
                ["dimensions"] = queries.Count == 0 ? 0 : queries.Max(x => x.Instance.Dimensions),
                ["output"] = queries.Count == 0 ? "none" : queries[0].Problem.ToString() + (queries[0].Instance.IsBichromatic ? " (bichromatic)" : " (monochromatic)"),
            });
        }

        return (queries, stages, settled);
    }

    /// <summary>
    /// Writes the chain's instance of <paramref name="formula"/> into <paramref name="directory"/> (created if
    /// needed). Existing files are never replaced unless <paramref name="force"/>; the check happens before anything
    /// is written. Returns the paths written, sidecar last.
    /// </summary>
    /// <exception cref="InputException">A target file exists and <paramref name="force"/> is false, or split and list is too large.</exception>
    public static IReadOnlyList<string> Write(CnfFormula formula, SatChain chain, string directory, bool force, SplitAndListOptions? options = null, string? source = null)
    {
        var (queries, stages, settled) = Expand(formula, chain, options, source);
        var names = new ConditionalWeakTable<VectorSet, string>();
        var files = new List<(string Name, VectorSet Set)>();
        string NameOf(VectorSet set, string hint)
        {
            if (names.TryGetValue(set, out var name)) return name;
            name = string.Create(CultureInfo.InvariantCulture, $"{hint}{files.Count:D4}.npy");
            if (queries.Count == 1) name = hint.TrimEnd('_') + ".npy";
            names.Add(set, name);
            files.Add((name, set));
            return name;
        }

        var queryList = new JsonArray();
        foreach (var q in queries)
        {
            var entry = new JsonObject
            {
                ["problem"] = q.Problem.ToString(),
                ["kind"] = q.Problem.Kind.CliName(),
                ["mode"] = q.Problem.Mode.ToString().ToLowerInvariant(),
            };
            if (q.Problem.Threshold is Rational t) entry["threshold"] = t.ToString();
            if (q.Problem.Gamma is Rational g) entry["gamma"] = g.ToString();
            if (q.Instance.IsBichromatic)
            {
                entry["a"] = NameOf(q.Instance.A, "A_");
                entry["b"] = NameOf(q.Instance.B!, "B_");
            }
            else
            {
                entry["vectors"] = NameOf(q.Instance.A, "V_");
            }

            queryList.Add(entry);
        }

        Directory.CreateDirectory(directory);
        var targets = files.Select(f => Path.Combine(directory, f.Name)).Append(Path.Combine(directory, SidecarName)).ToList();
        if (!force)
        {
            var existing = targets.FirstOrDefault(File.Exists);
            if (existing is not null) throw new InputException(existing, null, "exists; not overwritten (pass --force to replace it)");
        }

        for (int f = 0; f < files.Count; f++) NpyWriter.Write(targets[f], files[f].Set);

        var sidecar = new JsonObject
        {
            ["source"] = source,
            ["chain"] = chain.Name,
            ["target"] = chain.Target,
            ["stages"] = stages,
            ["settled_without_queries"] = settled,
            ["satisfiable_iff"] = chain.Name switch
            {
                "ov" => "some (a, b) in A x B has inner product 0 (decode: x_1..x_h = bits of a, x_{h+1}..x_N = bits of b)",
                "lsd" => "the minimum cosine is 0",
                "bmaxip" => "some query's maximum inner product equals the common weight of its A rows",
                _ => "some query's maximum cosine times l equals the common weight of its unpadded A rows (l = dimension / 3)",
            },
            ["npy"] = "2-D uint8 arrays of 0/1, one row per vector (numpy.load)",
            ["queries"] = queryList,
            ["assumptions_not_used"] = new JsonArray(NamedAssumptions.All.Where(a => a.Name != "SETH => OVC").Select(a => (JsonNode)JsonValue.Create(a.Name + ": " + a.Citation)!).ToArray()),
        };
        string json = sidecar.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        string sidecarPath = targets[^1];
        AtomicFile.Write(sidecarPath, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
            writer.Write(json + "\n");
        });
        return targets;
    }
}
