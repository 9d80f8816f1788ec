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
/// <c>Write</c> for the same output handling.
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
        command.WithExamples(
            "subquad generate random --n 10000 --dim 256 --density 0.1 -o docs.npy",
            "subquad generate planted --n 1000 --dim 128 -o planted.npy --format json",
            "subquad generate ksat --vars 20 --clauses 85 -o f.cnf");
        return command;
    }

    /// <summary>The -o option every generator shares.</summary>
    public static Option<string> OutputOption() => new("--output", "-o") { Description = "File to write; the extension picks the format (.npy, .fvecs, .bvecs, .csv, .tsv).", Required = true };

    /// <summary>Writes <paramref name="vectors"/> to <paramref name="path"/> (atomically) and prints one summary line.</summary>
    public static void Write(CliIO io, string path, VectorSet vectors, string description) =>
        Write(io, path, vectors, description, OutputFormat.Table, "random", [], packed: false);

    /// <summary>
    /// Writes the vectors (bit-packed with <paramref name="packed"/>) and reports the run: one line, or the
    /// subquad.generate/1 document with <paramref name="fields"/> after the output object.
    /// </summary>
    public static void Write(CliIO io, string path, VectorSet vectors, string description, OutputFormat format, string generator, Record fields, bool packed)
    {
        VectorFile.WritableFormatOf(path);
        if (packed) PackedBits.Write(path, (BinaryVectors)vectors);
        else VectorFile.Write(path, vectors);
        if (format == OutputFormat.Table)
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path}: {vectors.Count} {(vectors.IsBinary ? "binary" : "dense")} rows x {vectors.Dimensions}{(packed ? " (bit-packed)" : "")}, {description}"));
            return;
        }

        var document = new ResultDocument("generate").Add("generator", generator).Add("output", Inputs.Of(path, vectors, packed ? "packed_bits" : null));
        foreach (var (key, value) in fields) document.Add(key, value);
        document.Write(io.Out, format);
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
        var format = CommonOptions.Format();
        var packed = new Option<bool>("--packed") { Description = "Write binary rows bit-packed: uint8 .npy of shape (n, ceil(l / 8)), the np.packbits(x, axis=1) layout (read back with --packed --dim L)." };
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
        command.Options.Add(format);
        command.Options.Add(packed);
        command.WithExamples(planted
            ? ["subquad generate planted --n 1000 --dim 128 --seed 3 -o planted.npy", "subquad generate planted --n 500 --dim 64 --dense --noise 0.05 -o p.fvecs --format json"]
            : ["subquad generate random --n 10000 --dim 256 --density 0.1 -o docs.npy", "subquad generate random --n 5000 --dim 384 --dense -o emb.npy", "subquad generate random --n 1000 --dim 256 --packed -o codes.npy"]);
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            int count = parse.GetValue(n), l = parse.GetValue(dim), s = parse.GetValue(seed);
            double? p = parse.GetValue(density);
            bool isDense = parse.GetValue(dense);
            string path = parse.GetValue(output)!;
            if (p is not null && isDense) throw new UsageException("--density and --dense exclude each other (density is for binary rows)");
            bool isPacked = parse.GetValue(packed);
            var fmt = parse.GetValue(format);
            if (isPacked && isDense) throw new UsageException("--packed writes binary rows; it does not combine with --dense");
            if (isPacked && !path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"-o {path}: --packed writes .npy files");
            if (p is { } q && !(q >= 0 && q <= 1)) throw new UsageException($"--density {q.ToString(CultureInfo.InvariantCulture)}: must lie in [0, 1]");
            if (count < (planted ? 3 : 1)) throw new UsageException($"--n {count}: {(planted ? "a planted instance needs at least 3 rows" : "must be at least 1")}");
            if (l < (planted && !isDense ? 2 : 1)) throw new UsageException($"--dim {l}: {(planted && !isDense ? "a planted binary instance needs at least 2 columns" : "must be at least 1")}");
            VectorFile.WritableFormatOf(path);
            OutputFiles.RefuseExisting(path, parse.GetValue(force));
            MemoryBudget.Check(path, count, l, isDense ? VectorKind.Dense : VectorKind.Binary);
            double pd = p ?? 0.2;
            if (!planted)
            {
                VectorSet vectors = isDense ? InstanceGenerator.RandomDense(count, l, s) : InstanceGenerator.RandomBinary(count, l, pd, s);
                Write(io, path, vectors, isDense ? $"standard normal, seed {s}" : string.Create(CultureInfo.InvariantCulture, $"density {pd}, seed {s} (all-zero rows get one random bit)"),
                    fmt, "random", new Record { { "seed", s }, { "density", isDense ? null : pd }, { "planted", null } }, isPacked);
                return ExitCodes.Ok;
            }

            var (planted3, rows) = isDense
                ? ((VectorSet, PlantedRows))InstanceGenerator.PlantedDense(count, l, s, parse.GetValue(noise))
                : InstanceGenerator.PlantedBinary(count, l, pd, s);
            var plantedRecord = new Record { { "similar_i", rows.SimilarI }, { "similar_j", rows.SimilarJ }, { "dissimilar_i", rows.DissimilarI }, { "dissimilar_j", rows.DissimilarJ } };
            Write(io, path, planted3, isDense ? $"standard normal, seed {s}" : string.Create(CultureInfo.InvariantCulture, $"density {pd}, seed {s}"),
                fmt, "planted", new Record { { "seed", s }, { "density", isDense ? null : pd }, { "planted", plantedRecord } }, isPacked);
            if (fmt == OutputFormat.Table) io.Out.WriteLine($"planted similar pair ({rows.SimilarI}, {rows.SimilarJ}) (a near-copy), planted dissimilar pair ({rows.DissimilarI}, {rows.DissimilarJ}) ({(isDense ? "opposite vectors, cosine -1" : "orthogonal, inner product 0")})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
