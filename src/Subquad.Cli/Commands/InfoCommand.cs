using System.CommandLine;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Spectre.Console;

namespace Subquad.Cli.Commands;

/// <summary><c>subquad info</c>: what this machine offers the kernels (STYLE 3.10).</summary>
internal static class InfoCommand
{
    public static Command Create(CliIO io)
    {
        var command = new Command("info", "Show this machine's SIMD support and the Subquad build.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumn("property").AddColumn("value");
            table.AddRow("runtime", Markup.Escape(RuntimeInformation.FrameworkDescription));
            table.AddRow("os / arch", Markup.Escape($"{RuntimeInformation.OSDescription} / {RuntimeInformation.ProcessArchitecture}"));
            table.AddRow("cores", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("Vector128/256/512 accelerated", $"{Vector128.IsHardwareAccelerated} / {Vector256.IsHardwareAccelerated} / {Vector512.IsHardwareAccelerated}");
            table.AddRow("AVX2 / FMA", $"{Avx2.IsSupported} / {Fma.IsSupported}");
            table.AddRow("AVX-512 F / BW", $"{Avx512F.IsSupported} / {Avx512BW.IsSupported}");
            table.AddRow("POPCNT", Popcnt.X64.IsSupported.ToString());
            foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("SUBQUAD_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(key), Markup.Escape(Environment.GetEnvironmentVariable(key) ?? ""));
            }

            io.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
