using System.Globalization;
using System.Text.Json;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Cli.Tests;

/// <summary><c>subquad solve</c> agrees with the oracle (same pair, same exact score) and with a numpy brute force on every problem.</summary>
public class SolveAgreementTests : IDisposable
{
    private readonly CliHarness.TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Kinds = ["msd", "lsd", "maxip", "minip", "ov", "minhamming", "maxhamming"];

    /// <summary>OV and the Hamming kinds are defined on binary rows only.</summary>
    private static bool BinaryOnly(string name) => name is "ov" or "minhamming" or "maxhamming";

    private (string A, string B) Generate(bool dense, int seed)
    {
        string a = _temp.File($"a{seed}{(dense ? "d" : "b")}.npy"), b = _temp.File($"b{seed}{(dense ? "d" : "b")}.npy");
        string[] kind = dense ? ["--dense"] : ["--density", "0.15"];
        CliHarness.Ok(["generate", "random", "--n", "37", "--dim", "70", .. kind, "--seed", seed.ToString(CultureInfo.InvariantCulture), "-o", a]);
        CliHarness.Ok(["generate", "random", "--n", "23", "--dim", "70", .. kind, "--seed", (seed + 100).ToString(CultureInfo.InvariantCulture), "-o", b]);
        return (a, b);
    }

    private static JsonElement Json(CliHarness.Result result) => JsonDocument.Parse(result.Out).RootElement;

    /// <summary>The one reported pair of a single-answer solve (subquad.solve/1: the first row of "pairs").</summary>
    private static JsonElement Pair(JsonElement json) => json.GetProperty("pairs")[0];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryProblem_MonoAndBichromatic_MatchesTheOracle(bool dense)
    {
        var (a, b) = Generate(dense, dense ? 5 : 6);
        foreach (bool bichromatic in new[] { false, true })
        {
            var instance = bichromatic ? SimilarityInstance.Bichromatic(VectorFile.Read(a), VectorFile.Read(b)) : SimilarityInstance.Monochromatic(VectorFile.Read(a));
            string[] against = bichromatic ? ["--against", b] : [];
            foreach (var name in Kinds)
            {
                if (dense && BinaryOnly(name)) continue;
                Assert.True(ProblemKinds.TryParse(name, out var kind));
                var problems = new List<(string[] Args, Problem Problem)> { ([], Problem.Exact(kind)) };
                if (kind != ProblemKind.Ov)
                {
                    problems.Add((["--gamma", "1.5"], Problem.Approximate(kind, new Rational(3, 2))));
                    problems.Add(kind.IsCosine() ? (["--threshold", "0.3"], Problem.WithThreshold(kind, new Rational(3, 10))) : (["--threshold", "3"], Problem.WithThreshold(kind, Rational.FromInteger(3))));
                }

                foreach (var (args, problem) in problems)
                {
                    var json = Json(CliHarness.Ok(["solve", a, .. against, "--problem", name, .. args, "--format", "json", "--check"]));
                    var oracle = BruteForce.Instance.Solve(instance, problem);
                    Assert.Equal("ok", json.GetProperty("check").GetString());
                    Assert.Equal(oracle.Found, json.GetProperty("found").GetBoolean());
                    if (!oracle.HasPair)
                    {
                        Assert.Equal(0, json.GetProperty("pairs").GetArrayLength());
                        continue;
                    }

                    var pair = Pair(json);
                    var claimed = Answer.Pair(problem, pair.GetProperty("i").GetInt32(), pair.GetProperty("j").GetInt32(),
                        dense ? PairScore.Dense(pair.GetProperty("score").GetDouble()) : PairScore.Binary(problem.Kind, pair.GetProperty("inner_product").GetInt64(), pair.GetProperty("weight_i").GetInt64(), pair.GetProperty("weight_j").GetInt64()));
                    Assert.True(Verifier.Verify(instance, problem, claimed).IsValid, $"{problem}: {Verifier.Verify(instance, problem, claimed).Reason}");
                    if (problem.Mode != ProblemMode.Gamma) Assert.Equal((oracle.I, oracle.J), (claimed.I, claimed.J));
                    Assert.Equal(oracle.Score.Value, pair.GetProperty("score").GetDouble());
                }
            }
        }
    }

    [Fact]
    public void TopAndAll_MatchTheOracle()
    {
        var (a, _) = Generate(false, 9);
        var instance = SimilarityInstance.Monochromatic(VectorFile.Read(a));
        var top = Json(CliHarness.Ok("solve", a, "--problem", "msd", "--top", "7", "--format", "json", "--check"));
        var expected = BruteForce.TopPairs(instance, ProblemKind.Msd, 7);
        Assert.Equal(expected.Select(p => (p.I, p.J)), top.GetProperty("pairs").EnumerateArray().Select(p => (p.GetProperty("i").GetInt32(), p.GetProperty("j").GetInt32())));

        var problem = Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(3));
        var all = BruteForce.PairsMeeting(instance, problem);
        Assert.True(all.Count > 5);
        var csv = CliHarness.Ok("solve", a, "--problem", "maxip", "--threshold", "3", "--all", "--format", "csv", "--check");
        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(all.Count + 1, lines.Length);
        Assert.Equal(all.Select(p => $"{p.I},{p.J}"), lines.Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))));
        Assert.Contains($"{all.Count} pairs, check: ok", csv.Err, StringComparison.Ordinal);

        var limited = CliHarness.Ok("solve", a, "--problem", "maxip", "--threshold", "3", "--all", "--limit", "4", "-o", _temp.File("p.csv"));
        Assert.Equal(5, File.ReadAllLines(_temp.File("p.csv")).Length);
        Assert.Contains("4 pairs", limited.Out, StringComparison.Ordinal);
        var summary = CliHarness.Ok("solve", a, "--problem", "ov", "--all", "-o", _temp.File("ov.npy"), "--check", "--format", "csv");
        var ov = BruteForce.PairsMeeting(instance, Problem.OrthogonalVectors);
        var bytes = File.ReadAllBytes(_temp.File("ov.npy"));
        Assert.Equal(128 + 16 * ov.Count, bytes.Length);
        var header = summary.Out.Split('\n')[0].Split(',');
        var values = summary.Out.Split('\n')[1].Split(',');
        Assert.Equal(ov.Count.ToString(CultureInfo.InvariantCulture), values[Array.IndexOf(header, "pairs_written")]);
        Assert.Equal("ok", values[Array.IndexOf(header, "check")]);
        Assert.Equal("ov", values[Array.IndexOf(header, "problem")]);
        // The scores ride beside the indices: ov.scores.npy, float64, one per pair (all 0 for OV).
        var scores = File.ReadAllBytes(_temp.File("ov.scores.npy"));
        Assert.Equal(128 + 8 * ov.Count, scores.Length);
        Assert.Contains($"'shape': ({ov.Count},)", System.Text.Encoding.ASCII.GetString(scores, 0, 128), StringComparison.Ordinal);
        Assert.All(Enumerable.Range(0, ov.Count), r => Assert.Equal(0.0, BitConverter.ToDouble(scores, 128 + 8 * r)));
        Assert.Contains($"'shape': ({ov.Count}, 2)", System.Text.Encoding.ASCII.GetString(bytes, 0, 128), StringComparison.Ordinal);

        var jsonLines = CliHarness.Ok("solve", a, "--problem", "maxip", "--threshold", "3", "--all", "--format", "json");
        Assert.Equal(all.Count, jsonLines.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).Count());
    }

    /// <summary>
    /// Hamming end to end: the top-K list, the threshold join as CSV (the score column is the distance) on an achievable
    /// distance, the table's header, and the refusals: dense input (exit 2, one line naming the file), --dense, and the
    /// transformer verb (the paper has no construction for it).
    /// </summary>
    [Fact]
    public void Hamming_TopJoinTableAndRefusals()
    {
        var (a, b) = Generate(false, 31);
        var instance = SimilarityInstance.Monochromatic(VectorFile.Read(a));
        var top = Json(CliHarness.Ok("solve", a, "--problem", "minhamming", "--top", "9", "--format", "json", "--check"));
        var expected = BruteForce.TopPairs(instance, ProblemKind.MinHamming, 9);
        Assert.Equal(expected.Select(p => (p.I, p.J, (double)p.Score.Hamming)), top.GetProperty("pairs").EnumerateArray().Select(p => (p.GetProperty("i").GetInt32(), p.GetProperty("j").GetInt32(), p.GetProperty("score").GetDouble())));
        Assert.Equal("minhamming", top.GetProperty("problem").GetString());

        // t on the 9th smallest distance: every pair at or below it, in (i, j) order, with its distance.
        long t = expected[^1].Score.Hamming;
        var problem = Problem.WithThreshold(ProblemKind.MinHamming, Rational.FromInteger(t));
        var all = BruteForce.PairsMeeting(instance, problem);
        Assert.True(all.Count >= 9);
        var csv = CliHarness.Ok("solve", a, "--problem", "minhamming", "--threshold", t.ToString(CultureInfo.InvariantCulture), "--all", "--format", "csv", "--check");
        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        int score = Array.IndexOf(header, "score");
        Assert.Equal(all.Select(p => $"{p.I},{p.J},{p.Score.Hamming}"), lines.Skip(1).Select(l => l.Split(',')).Select(f => $"{f[0]},{f[1]},{f[score]}"));
        Assert.Contains($"{all.Count} pairs, check: ok", csv.Err, StringComparison.Ordinal);
        // One below the smallest distance: no pair.
        long smallest = expected[0].Score.Hamming;
        if (smallest > 0)
        {
            var none = Json(CliHarness.Ok("solve", a, "--problem", "minhamming", "--threshold", (smallest - 1).ToString(CultureInfo.InvariantCulture), "--format", "json"));
            Assert.False(none.GetProperty("found").GetBoolean());
        }

        var table = CliHarness.Ok("solve", a, "--against", b, "--problem", "maxhamming");
        Assert.Contains("hamming distance", table.Out, StringComparison.Ordinal);

        var (dense, _) = Generate(true, 32);
        var refused = CliHarness.Run("solve", dense, "--problem", "maxhamming");
        Assert.Equal(2, refused.Code);
        Assert.Contains("Max-Hamming is defined on binary vectors", refused.ErrorLine, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(dense), refused.ErrorLine, StringComparison.Ordinal);
        var denseFlag = CliHarness.Run("solve", a, "--dense", "--problem", "minhamming");
        Assert.Equal(1, denseFlag.Code);
        Assert.Contains("--dense", denseFlag.ErrorLine, StringComparison.Ordinal);
        var transformer = CliHarness.Run("transformer", a, "--problem", "minhamming", "--threshold", "3");
        Assert.Equal(1, transformer.Code);
        Assert.Contains("no transformer construction for Min-Hamming", transformer.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblem_MatchesNumpyBruteForce()
    {
        string python = CliHarness.RequireNumpy();
        foreach (bool dense in new[] { false, true })
        {
            var (a, b) = Generate(dense, dense ? 21 : 22);
            // numpy computes the full cosine and inner-product matrices in float64; C# checks the CLI's answers against them.
            string output = CliHarness.Python(python, $$"""
                import numpy as np, json
                a = np.load('{{a}}').astype(np.float64); b = np.load('{{b}}').astype(np.float64)
                def mats(x, y):
                    ip = x @ y.T
                    cos = ip / np.outer(np.linalg.norm(x, axis=1), np.linalg.norm(y, axis=1))
                    ham = (x[:, None, :] != y[None, :, :]).sum(axis=2).astype(np.float64)
                    return ip.tolist(), cos.tolist(), ham.tolist()
                ip_m, cos_m, ham_m = mats(a, a); ip_b, cos_b, ham_b = mats(a, b)
                print(json.dumps({'ip_m': ip_m, 'cos_m': cos_m, 'ham_m': ham_m, 'ip_b': ip_b, 'cos_b': cos_b, 'ham_b': ham_b}))
                """);
            var matrices = JsonDocument.Parse(output).RootElement;
            foreach (bool bichromatic in new[] { false, true })
            {
                double[][] Matrix(string name) => matrices.GetProperty(name + (bichromatic ? "_b" : "_m")).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
                var ip = Matrix("ip");
                var cos = Matrix("cos");
                var ham = Matrix("ham"); // counted by numpy position by position, not from weights and inner products
                var candidates = new List<(int I, int J)>();
                for (int i = 0; i < ip.Length; i++)
                {
                    for (int j = bichromatic ? 0 : i + 1; j < ip[i].Length; j++) candidates.Add((i, j));
                }

                string[] against = bichromatic ? ["--against", b] : [];
                foreach (var name in Kinds)
                {
                    if (dense && BinaryOnly(name)) continue;
                    var json = Json(CliHarness.Ok(["solve", a, .. against, "--problem", name, "--format", "json"]));
                    var score = name is "msd" or "lsd" ? cos : name is "minhamming" or "maxhamming" ? ham : ip;
                    if (name == "ov")
                    {
                        bool any = candidates.Any(p => ip[p.I][p.J] == 0);
                        Assert.Equal(any, json.GetProperty("found").GetBoolean());
                        if (any) Assert.Equal(0, ip[Pair(json).GetProperty("i").GetInt32()][Pair(json).GetProperty("j").GetInt32()]);
                        continue;
                    }

                    double best = name is "msd" or "maxip" or "maxhamming" ? candidates.Max(p => score[p.I][p.J]) : candidates.Min(p => score[p.I][p.J]);
                    var pair = Pair(json);
                    int pi = pair.GetProperty("i").GetInt32(), pj = pair.GetProperty("j").GetInt32();
                    Assert.Equal(best, score[pi][pj], 1e-9);
                    Assert.Equal(best, pair.GetProperty("score").GetDouble(), 1e-9);
                }

                // A threshold join: the pair count equals numpy's (t chosen away from every score).
                var count = candidates.Count(p => cos[p.I][p.J] >= 0.2345);
                var all = CliHarness.Ok(["solve", a, .. against, "--problem", "msd", "--threshold", "0.2345", "--all", "--format", "csv"]);
                Assert.Equal(count, all.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
            }
        }
    }
}
