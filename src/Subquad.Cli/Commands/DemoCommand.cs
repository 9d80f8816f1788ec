using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Subquad.Core.Generators;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad demo</c>: with no input at all, generates a seeded planted instance, solves every problem on it with the
/// default exact solver, checks each answer against the oracle and prints one table.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliIO io)
    {
        var n = new Option<int>("--n") { Description = "Number of documents.", DefaultValueFactory = _ => 400 };
        var dim = new Option<int>("--dim") { Description = "Keywords per document (bits).", DefaultValueFactory = _ => 64 };
        var seed = CommonOptions.Seed(2025);
        var command = new Command("demo", "Run the end-to-end demonstration on a built-in seeded instance (no input needed).");
        command.Options.Add(n);
        command.Options.Add(dim);
        command.Options.Add(seed);
        command.SetAction(parse =>
        {
            int count = parse.GetValue(n), l = parse.GetValue(dim), s = parse.GetValue(seed);
            if (count < 3) throw new UsageException($"--n {count}: the demo needs at least 3 documents");
            if (l < 2) throw new UsageException($"--dim {l}: the demo needs at least 2 dimensions");
            Run(io, count, l, s);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Run(CliIO io, int count, int dimensions, int seed)
    {
        var (vectors, planted) = InstanceGenerator.PlantedBinary(count, dimensions, 0.2, seed);
        var instance = SimilarityInstance.Monochromatic(vectors);
        io.Console.MarkupLine(CultureInfo.InvariantCulture, $"[bold]Subquad demo[/]: {count} binary documents over {dimensions} keywords (density 0.2, seed {seed}); planted similar pair ({planted.SimilarI}, {planted.SimilarJ}), planted orthogonal pair ({planted.DissimilarI}, {planted.DissimilarJ}).");

        var problems = new List<Problem>
        {
            Problem.Exact(ProblemKind.Msd),
            Problem.Exact(ProblemKind.Lsd),
            Problem.Exact(ProblemKind.MaxIp),
            Problem.Exact(ProblemKind.MinIp),
            Problem.OrthogonalVectors,
            Problem.Approximate(ProblemKind.Msd, Rational.FromInteger(2)),
            Problem.WithThreshold(ProblemKind.Msd, Rational.TryParse("0.9", out var t9) ? t9 : default),
            Problem.WithThreshold(ProblemKind.Lsd, Rational.FromInteger(0)),
            Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(Math.Max(1, dimensions / 4))),
            Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(0)),
        };

        var solver = ExactSolvers.Default;
        var table = new Table().Title($"every problem, solved by the {solver.Name} and checked by the oracle");
        foreach (var column in new[] { "problem", "answer", "pair", "score", "checked", "time" }) table.AddColumn(column);
        foreach (var problem in problems)
        {
            var clock = Stopwatch.StartNew();
            var answer = solver.Solve(instance, problem);
            clock.Stop();
            var verdict = Verifier.Verify(instance, problem, answer);
            table.AddRow(
                Markup.Escape(problem.ToString()),
                problem.IsDecision ? (answer.Found ? "yes" : "no") : "optimum",
                answer.HasPair ? $"({answer.I}, {answer.J})" : "-",
                answer.HasPair ? answer.Score.Value.ToString("G6", CultureInfo.InvariantCulture) : "-",
                verdict.IsValid ? "[green]ok[/]" : "[red]" + Markup.Escape(verdict.Reason) + "[/]",
                $"{clock.Elapsed.TotalMilliseconds:F1} ms");
        }

        io.Console.Write(table);
    }
}
