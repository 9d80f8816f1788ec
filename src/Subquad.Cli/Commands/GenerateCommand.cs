using System.CommandLine;
using System.Globalization;
using Subquad.Cli.Output;
using Subquad.Core;
using Subquad.Core.Generators;
using Subquad.Core.IO;
using Subquad.Core.Vectors;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad generate random|planted --n N --dim L [--density p | --dense] --seed S -o FILE</c>: seeded,
/// reproducible instances written in any format <see cref="VectorFile"/> knows (by extension). Other rooms add
/// their generators as extra subcommands (<see cref="Create(CliIO, IEnumerable{Command}?)"/>) and can reuse
/// <see cref="Write"/> for the same output handling.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(CliIO io) => Create(io, null);

    /// <summary>The verb with random and planted, plus <paramref name="extraSubcommands"/> (e.g. ksat, hard-ov).</summary>
    public static Command Create(CliIO io, IEnumerable<Command>? extraSubcommands)
    {
        var command = new Command("generate", "Write a seeded random or planted instance to a file (.npy, .fvecs, .bvecs, .csv, .tsv).");
        command.Subcommands.Add(CreateVariant(io, planted: false));
        command.Subcommands.Add(CreateVariant(io, planted: true));
        foreach (var extra in extraSubcommands ?? []) command.Subcommands.Add(extra);
        return command;
    }

    /// <summary>The -o option every generator shares.</summary>
    public static Option<string> OutputOption() => new("--output", "-o") { Description = "File to write; the extension picks the format (.npy, .fvecs, .bvecs, .csv, .tsv).", Required = true };

    /// <summary>Writes <paramref name="vectors"/> to <paramref name="path"/> (atomically) and prints one summary line.</summary>
    public static void Write(CliIO io, string path, VectorSet vectors, string description)
    {
        VectorFile.FormatOf(path);
        VectorFile.Write(path, vectors);
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path}: {vectors.Count} {(vectors.IsBinary ? "binary" : "dense")} rows x {vectors.Dimensions}, {description}"));
    }

    private static Command CreateVariant(CliIO io, bool planted)
    {
        var n = new Option<int>("--n") { Description = "Number of rows (documents).", Required = true };
        var dim = new Option<int>("--dim") { Description = "Columns per row: l bits, or d floats with --dense.", Required = true };
        var density = new Option<double?>("--density") { Description = "Probability of a one per bit, in [0, 1] (binary; default 0.2)." };
        var dense = new Option<bool>("--dense") { Description = "Standard-normal float rows instead of bits." };
        var noise = new Option<double>("--noise") { Description = "Planted dense: standard deviation of the near-copy's noise.", DefaultValueFactory = _ => 0.01 };
        var seed = CommonOptions.Seed();
        var output = OutputOption();
        var force = OutputFiles.Force();
        var command = planted
            ? new Command("planted", "Random rows plus a planted most-similar pair (a near-copy) and least-similar pair (orthogonal / opposite); prints the planted rows.")
            : new Command("random", "Independent random rows (binary with a given density, or dense standard normal).");
        command.Options.Add(n);
        command.Options.Add(dim);
        command.Options.Add(density);
        command.Options.Add(dense);
        if (planted) command.Options.Add(noise);
        command.Options.Add(seed);
        command.Options.Add(output);
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            int count = parse.GetValue(n), l = parse.GetValue(dim), s = parse.GetValue(seed);
            double? p = parse.GetValue(density);
            bool isDense = parse.GetValue(dense);
            string path = parse.GetValue(output)!;
            if (p is not null && isDense) throw new UsageException("--density and --dense exclude each other (density is for binary rows)");
            if (p is { } q && !(q >= 0 && q <= 1)) throw new UsageException($"--density {q.ToString(CultureInfo.InvariantCulture)}: must lie in [0, 1]");
            if (count < (planted ? 3 : 1)) throw new UsageException($"--n {count}: {(planted ? "a planted instance needs at least 3 rows" : "must be at least 1")}");
            if (l < (planted && !isDense ? 2 : 1)) throw new UsageException($"--dim {l}: {(planted && !isDense ? "a planted binary instance needs at least 2 columns" : "must be at least 1")}");
            VectorFile.FormatOf(path);
            OutputFiles.RefuseExisting(path, parse.GetValue(force));
            MemoryBudget.Check(path, count, l, isDense ? VectorKind.Dense : VectorKind.Binary);
            double pd = p ?? 0.2;
            if (!planted)
            {
                VectorSet vectors = isDense ? InstanceGenerator.RandomDense(count, l, s) : InstanceGenerator.RandomBinary(count, l, pd, s);
                Write(io, path, vectors, isDense ? $"standard normal, seed {s}" : string.Create(CultureInfo.InvariantCulture, $"density {pd}, seed {s} (all-zero rows get one random bit)"));
                return ExitCodes.Ok;
            }

            var (planted3, rows) = isDense
                ? ((VectorSet, PlantedRows))InstanceGenerator.PlantedDense(count, l, s, parse.GetValue(noise))
                : InstanceGenerator.PlantedBinary(count, l, pd, s);
            Write(io, path, planted3, isDense ? $"standard normal, seed {s}" : string.Create(CultureInfo.InvariantCulture, $"density {pd}, seed {s}"));
            io.Out.WriteLine($"planted similar pair ({rows.SimilarI}, {rows.SimilarJ}) (a near-copy), planted dissimilar pair ({rows.DissimilarI}, {rows.DissimilarJ}) ({(isDense ? "opposite vectors, cosine -1" : "orthogonal, inner product 0")})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
