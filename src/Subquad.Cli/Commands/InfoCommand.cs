using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Spectre.Console;
using Subquad.Cli.Output;
using Subquad.Core.IO;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad info</c>: what this machine offers the kernels (STYLE 3.10). <c>subquad info FILE</c>: what a vectors
/// file holds (shape, kind, stored type, density, weights or norms, zero and duplicate rows).
/// </summary>
internal static class InfoCommand
{
    public static Command Create(CliIO io)
    {
        var file = new Argument<string?>("file") { Description = "A vectors file to describe (omit for machine info).", Arity = ArgumentArity.ZeroOrOne };
        var format = CommonOptions.Format();
        var dense = new Option<bool>("--dense") { Description = "Read the file as dense vectors." };
        var binary = new Option<bool>("--binary") { Description = "Read the file as binary vectors." };
        var packed = VectorInputs.Packed();
        var packedDim = VectorInputs.PackedDim();
        var command = new Command("info", "Show this machine's SIMD support and the Subquad build, or describe a vectors file.");
        command.Arguments.Add(file);
        command.Options.Add(format);
        command.Options.Add(dense);
        command.Options.Add(binary);
        command.Options.Add(packed);
        command.Options.Add(packedDim);
        command.WithExamples("subquad info", "subquad info docs.npy --format json", "subquad info codes.npy --packed --dim 256");
        command.SetAction(parse =>
        {
            string? path = parse.GetValue(file);
            if (path is null)
            {
                MachineInfo(io, parse.GetValue(format));
                return ExitCodes.Ok;
            }

            if (parse.GetValue(dense) && parse.GetValue(binary)) throw new UsageException("--dense and --binary exclude each other");
            VectorKind? kind = parse.GetValue(dense) ? VectorKind.Dense : parse.GetValue(binary) ? VectorKind.Binary : null;
            int? bits = VectorInputs.PackedDimensions(parse.GetValue(packed), parse.GetValue(packedDim), parse.GetValue(dense));
            FileInfo(io, path, kind, bits, parse.GetValue(format));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void MachineInfo(CliIO io, OutputFormat format)
    {
        if (format != OutputFormat.Table)
        {
            var document = new ResultDocument("info")
                .Add("runtime", RuntimeInformation.FrameworkDescription)
                .Add("os", RuntimeInformation.OSDescription)
                .Add("arch", RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant())
                .Add("cores", Environment.ProcessorCount)
                .Add("vector128", Vector128.IsHardwareAccelerated)
                .Add("vector256", Vector256.IsHardwareAccelerated)
                .Add("vector512", Vector512.IsHardwareAccelerated)
                .Add("avx2", Avx2.IsSupported)
                .Add("fma", Fma.IsSupported)
                .Add("avx512f", Avx512F.IsSupported)
                .Add("avx512bw", Avx512BW.IsSupported)
                .Add("popcnt", Popcnt.X64.IsSupported)
                .Add("kernel", Subquad.Core.Kernels.KernelDispatch.Best.ToString().ToLowerInvariant())
                .Add("kernel_forced", Subquad.Core.Kernels.KernelDispatch.ForcedName)
                .Add("supported_kernels", Subquad.Core.Kernels.KernelDispatch.Supported.Select(k => k.ToString().ToLowerInvariant()).ToList())
                .Add("engine_paths", Subquad.Core.Engine.EnginePaths.Supported.Select(p => p.ToString().ToLowerInvariant()).ToList())
                .Add("engine_path_forced", Subquad.Core.Kernels.KernelDispatch.ForcedPath?.ToString().ToLowerInvariant())
                .Add("attention_paths", Subquad.Models.Attention.AttentionPaths.Supported().Select(p => new Record { { "path", p.Path.ToString().ToLowerInvariant() }, { "kernel", p.Kernel.ToString().ToLowerInvariant() } }).ToList())
                .Add("attention_path", (Subquad.Models.Attention.AttentionPaths.Forced ?? Subquad.Models.Attention.AttentionPaths.Automatic).ToString().ToLowerInvariant())
                .Add("attention_path_forced", Subquad.Models.Attention.AttentionPaths.Forced?.ToString().ToLowerInvariant());
            document.Write(io.Out, format);
            return;
        }

        var table = new Table().AddColumn("property").AddColumn("value");
        table.AddRow("runtime", Markup.Escape(RuntimeInformation.FrameworkDescription));
        table.AddRow("os / arch", Markup.Escape($"{RuntimeInformation.OSDescription} / {RuntimeInformation.ProcessArchitecture}"));
        table.AddRow("cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Vector128/256/512 accelerated", $"{Vector128.IsHardwareAccelerated} / {Vector256.IsHardwareAccelerated} / {Vector512.IsHardwareAccelerated}");
        table.AddRow("AVX2 / FMA", $"{Avx2.IsSupported} / {Fma.IsSupported}");
        table.AddRow("AVX-512 F / BW", $"{Avx512F.IsSupported} / {Avx512BW.IsSupported}");
        table.AddRow("POPCNT", Popcnt.X64.IsSupported.ToString());
        table.AddRow("engine kernel", Subquad.Core.Kernels.KernelDispatch.Best.ToString() + (Subquad.Core.Kernels.KernelDispatch.ForcedName is { } forced ? $" (forced by SUBQUAD_KERNEL={Markup.Escape(forced)})" : " (widest supported)"));
        table.AddRow("supported kernels", string.Join(", ", Subquad.Core.Kernels.KernelDispatch.Supported));
        table.AddRow("engine paths", string.Join(", ", Subquad.Core.Engine.EnginePaths.Supported) + (Subquad.Core.Kernels.KernelDispatch.ForcedPathName is { } path ? $" (forced by SUBQUAD_PATH={Markup.Escape(path)})" : " (each solve chooses one for its input and this CPU; SUBQUAD_PATH forces; SUBQUAD_KERNEL never changes it)"));
        table.AddRow("attention paths", string.Join(", ", Subquad.Models.Attention.AttentionPaths.Supported().Select(p => $"{p.Path}/{p.Kernel}")) + (Subquad.Models.Attention.AttentionPaths.Forced is { } attention
            ? $" (forced by {Subquad.Core.Kernels.KernelDispatch.AttentionPathVariable}={attention})"
            : $" (automatic: {Subquad.Models.Attention.AttentionPaths.Automatic}; {Subquad.Core.Kernels.KernelDispatch.AttentionPathVariable} forces)"));
        table.AddRow("gpu (--device)", Markup.Escape(DeviceChoice.Describe()));
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("SUBQUAD_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(Environment.GetEnvironmentVariable(key) ?? ""));
        }

        io.Console.Write(table);
    }

    private static void FileInfo(CliIO io, string path, VectorKind? kind, int? packedBits, OutputFormat format)
    {
        var vectors = VectorInputs.Read(io, path, kind, packedBits);
        string stored = packedBits is int bits ? $"bit-packed uint8 .npy ({PackedBits.BytesFor(bits)} bytes per row, np.packbits(x, axis=1) layout)" : VectorFile.FormatOf(path) switch
        {
            ".npy" => DescribeNpy(NpyReader.ReadHeader(path)),
            ".fvecs" => "TEXMEX .fvecs (float32 records)",
            ".bvecs" => "TEXMEX .bvecs (uint8 records)",
            ".bits" => "0/1 strings, one vector per line",
            _ => "delimited text",
        };
        var sidecar = RowNamesSidecar.TryReadFor(path);
        var summary = VectorSummary.Of(vectors);
        var rows = new List<(string Key, string Value)>
        {
            ("file", path),
            ("stored as", stored),
            ("shape", string.Create(CultureInfo.InvariantCulture, $"({summary.Rows}, {summary.Dimensions})")),
            ("kind", summary.Binary ? "binary (bits)" : "dense (float32)"),
            ("density", summary.Density.ToString("F4", CultureInfo.InvariantCulture) + (summary.Binary ? " (fraction of ones)" : " (fraction of nonzero entries)")),
            (summary.Binary ? "row weight min / mean / max" : "row norm min / mean / max", $"{summary.Describe(summary.RowSize.Min)} / {summary.Describe(summary.RowSize.Mean)} / {summary.Describe(summary.RowSize.Max)}"),
            ("zero rows", summary.ZeroRows.ToString(CultureInfo.InvariantCulture) + (summary.FirstZeroRow is { } z ? $" (first: row {z} {vectors.NameOf(z)}; cosine problems refuse zero rows)" : "")),
            ("duplicate rows", summary.DuplicateRows.ToString(CultureInfo.InvariantCulture) + " (rows equal to an earlier row)"),
            ("row names", sidecar is null ? "none (rows are numbered from 0)" : $"{sidecar.Rows.Count} from {RowNamesSidecar.PathFor(path)}"),
        };
        if (sidecar?.Keywords is { } keywords) rows.Add(("keywords", string.Join(", ", keywords.Take(12)) + (keywords.Count > 12 ? $", ... ({keywords.Count} in all)" : "")));

        if (format != OutputFormat.Table)
        {
            new ResultDocument("info")
                .Add("input", Inputs.Of(path, vectors, VectorInputs.Dtype(path, packedBits)))
                .Add("stored_as", stored)
                .Add("density", summary.Density)
                .Add("row_size", summary.Binary ? "weight" : "norm")
                .Add("row_size_min", summary.RowSize.Min)
                .Add("row_size_mean", summary.RowSize.Mean)
                .Add("row_size_max", summary.RowSize.Max)
                .Add("zero_rows", summary.ZeroRows)
                .Add("first_zero_row", summary.FirstZeroRow)
                .Add("duplicate_rows", summary.DuplicateRows)
                .Add("row_names", sidecar?.Rows.Count)
                .Add("row_names_file", sidecar is null ? null : RowNamesSidecar.PathFor(path))
                .Add("keywords", sidecar?.Keywords?.ToList())
                .Write(io.Out, format);
        }
        else
        {
            var table = new Table().AddColumn("property").AddColumn("value");
            foreach (var (key, value) in rows) table.AddRow(Markup.Escape(key), Markup.Escape(value));
            io.Console.Write(table);
        }
    }

    private static string DescribeNpy(NpyHeader header) =>
        $".npy {header.Major}.{header.Minor}, dtype {header.Dtype} ({header.Dtype.Element.ToString().ToLowerInvariant()}, {(header.Dtype.Size == 1 ? "one byte" : header.Dtype.BigEndian ? "big-endian" : "little-endian")})";
}
