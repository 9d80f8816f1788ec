using System.CommandLine;
using System.Globalization;
using Subquad.Cli.Output;
using Subquad.Core;
using Subquad.Core.IO;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Generators;

namespace Subquad.Cli.Commands;

/// <summary>
/// The hardness subcommands of <c>subquad generate</c>: <c>ksat</c> (random k-SAT, DIMACS) and <c>hard-ov</c> (OV at
/// the rare-pair density, .npy). The <c>generate</c> verb itself belongs to the foundation; it adds these.
/// </summary>
internal static class HardnessGenerateCommands
{
    public static IEnumerable<Command> Create(CliIO io)
    {
        yield return KSat(io);
        yield return HardOv(io);
    }

    private static Command KSat(CliIO io)
    {
        var vars = new Option<int>("--vars") { Description = "Number of variables N.", Required = true };
        var clauses = new Option<int>("--clauses") { Description = "Number of clauses m (4.26 N is the 3-SAT threshold).", Required = true };
        var k = new Option<int>("--k") { Description = "Literals per clause (distinct variables).", DefaultValueFactory = _ => 3 };
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--output", "-o") { Description = "DIMACS file to write.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var format = CommonOptions.Format();
        var command = new Command("ksat", "Uniform random k-SAT (SATLIB uf model), seeded, as DIMACS CNF.");
        foreach (var option in new Option[] { vars, clauses, k, seed, output, force, format }) command.Options.Add(option);
        command.WithExamples("subquad generate ksat --vars 20 --clauses 85 --seed 1 -o f.cnf", "subquad generate ksat --vars 50 --clauses 100 --k 4 -o g.cnf --format json");
        command.SetAction(parse =>
        {
            int n = parse.GetValue(vars), m = parse.GetValue(clauses), width = parse.GetValue(k), s = parse.GetValue(seed);
            if (n < 1) throw new UsageException($"--vars {n}: need at least 1 variable");
            if (m < 0) throw new UsageException($"--clauses {m}: must be non-negative");
            if (width < 1 || width > n) throw new UsageException($"--k {width}: must be in 1..{n} (--vars)");
            string path = parse.GetValue(output)!;
            Refuse(path, parse.GetValue(force));
            var formula = RandomKSat.Generate(n, m, width, s);
            WriteAtomically(path, w => DimacsWriter.Write(w, formula, [Invariant($"random {width}-SAT, N = {n}, m = {m}, seed {s} (subquad generate ksat)")]));
            if (parse.GetValue(format) == OutputFormat.Table)
            {
                io.Out.WriteLine(Invariant($"wrote {path}: {n} variables, {m} clauses of {width} literals (ratio {(double)m / n:F2}), seed {s}"));
            }
            else
            {
                new ResultDocument("generate").Add("generator", "ksat")
                    .Add("output", new Record { { "path", path }, { "variables", n }, { "clauses", m }, { "kind", "cnf" }, { "dtype", "dimacs" } })
                    .Add("k", width).Add("clause_ratio", (double)m / n).Add("seed", s)
                    .Write(io.Out, parse.GetValue(format));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command HardOv(CliIO io)
    {
        var n = new Option<int>("--n") { Description = "Number of vectors.", Required = true };
        var dim = new Option<int>("--dim") { Description = "Dimension l (bits).", Required = true };
        var plant = new Option<bool>("--plant") { Description = "Plant one orthogonal pair (reported)." };
        var expected = new Option<double>("--expected-pairs") { Description = "Expected orthogonal pairs before planting; sets the density.", DefaultValueFactory = _ => 0.05 };
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--output", "-o") { Description = ".npy file to write.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var format = CommonOptions.Format();
        var command = new Command("hard-ov", "OV at the density where orthogonal pairs are rare, optionally with one planted pair, as .npy.");
        foreach (var option in new Option[] { n, dim, plant, expected, seed, output, force, format }) command.Options.Add(option);
        command.WithExamples("subquad generate hard-ov --n 20000 --dim 128 --plant -o ov.npy", "subquad generate hard-ov --n 5000 --dim 64 --expected-pairs 0.5 -o ov.npy --format json");
        command.SetAction(parse =>
        {
            int count = parse.GetValue(n), l = parse.GetValue(dim), s = parse.GetValue(seed);
            double lambda = parse.GetValue(expected);
            if (count < 2) throw new UsageException($"--n {count}: need at least 2 vectors");
            if (l < 2) throw new UsageException($"--dim {l}: need at least 2 dimensions");
            if (!(lambda > 0)) throw new UsageException($"--expected-pairs {lambda}: must be positive");
            string path = parse.GetValue(output)!;
            Refuse(path, parse.GetValue(force));
            var instance = HardOrthogonalVectors.Generate(count, l, s, parse.GetValue(plant), lambda);
            VectorFile.Write(path, instance.Vectors);
            if (parse.GetValue(format) != OutputFormat.Table)
            {
                new ResultDocument("generate").Add("generator", "hard-ov")
                    .Add("output", Inputs.Of(path, instance.Vectors))
                    .Add("seed", s).Add("density", instance.Density).Add("expected_orthogonal_pairs", instance.ExpectedOrthogonalPairs)
                    .Add("planted", instance.PlantedI >= 0 ? new Record { { "i", instance.PlantedI }, { "j", instance.PlantedJ } } : null)
                    .Write(io.Out, parse.GetValue(format));
                return ExitCodes.Ok;
            }

            io.Out.WriteLine(Invariant($"wrote {path}: {count} vectors in {{0,1}}^{l}, density {instance.Density:F4}, expected orthogonal pairs {instance.ExpectedOrthogonalPairs:G3}, seed {s}")
                + (instance.PlantedI >= 0 ? Invariant($"; planted orthogonal pair ({instance.PlantedI}, {instance.PlantedJ})") : ""));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Refuse(string path, bool force)
    {
        if (!force && File.Exists(path)) throw new InputException(path, null, "exists; not overwritten (pass --force to replace it)");
    }

    private static void WriteAtomically(string path, Action<TextWriter> write)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream);
            write(writer);
        });
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
