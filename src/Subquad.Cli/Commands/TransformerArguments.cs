using System.Globalization;
using Subquad.Core.Problems;
using Subquad.Models.Attention;
using Subquad.Models.Constructions;

namespace Subquad.Cli.Commands;

/// <summary>The transformer verb's option values as typed requests: each mistake is one <see cref="UsageException"/> line.</summary>
internal static class TransformerArguments
{
    /// <summary>--device gpu runs the float32 GPU kernel with our runtime only, so it needs --precision f32 and --runtime own.</summary>
    internal static IAttentionMixer? GpuMixerFor(string device, string precision, string runtime, long rows)
    {
        bool f32 = string.Equals(precision, "f32", StringComparison.OrdinalIgnoreCase);
        bool own = string.Equals(runtime, "own", StringComparison.OrdinalIgnoreCase);
        if (string.Equals(device, "gpu", StringComparison.OrdinalIgnoreCase) && (!f32 || !own))
        {
            throw new UsageException("--device gpu runs the float32 attention kernel of our runtime: add --precision f32 (and --runtime own)");
        }

        return f32 && own ? DeviceChoice.Mixer(device, rows) : DeviceChoice.Mixer(device is "auto" ? "cpu" : device, rows);
    }

    /// <summary>--problem and --threshold as a transformer problem: a kind with a construction, OV without t, the others with one; --search takes none.</summary>
    internal static Problem ParseProblem(string kindText, string? thresholdText, bool search = false)
    {
        if (!ProblemKinds.TryParse(kindText, out var kind)) throw new UsageException($"--problem {kindText}: expected ov, maxip, minip, msd or lsd");
        if (kind.IsHamming()) throw new UsageException($"--problem {kindText}: the paper gives no transformer construction for {kind.PaperName()}; expected ov, maxip, minip, msd or lsd (subquad solve answers it exactly)");
        if (search)
        {
            // The search finds the optimum by itself; a threshold it would not read is refused, not ignored.
            if (thresholdText is not null) throw new UsageException("--threshold: --search finds the optimal pair by itself and takes no threshold");
            return kind == ProblemKind.Ov ? Problem.OrthogonalVectors : Problem.Exact(kind);
        }

        if (kind == ProblemKind.Ov)
        {
            if (thresholdText is not null) throw new UsageException("--threshold: ov takes no threshold");
            return Problem.OrthogonalVectors;
        }

        if (thresholdText is null) throw new UsageException($"--threshold is required for {kind.CliName()}");
        if (!Problem.TryCreate(kind, thresholdText, null, out var problem, out var error)) throw new UsageException("--" + error);
        return problem;
    }

    /// <summary>--scale: robust or paper.</summary>
    internal static ConstructionScale ParseScale(string text) => text.ToLowerInvariant() switch
    {
        "robust" => ConstructionScale.Robust,
        "paper" => ConstructionScale.Paper,
        _ => throw new UsageException($"--scale {text}: expected robust or paper"),
    };

    /// <summary>--variant: corrected or as-written.</summary>
    internal static ConstructionVariant ParseVariant(string text) => text.ToLowerInvariant() switch
    {
        "corrected" => ConstructionVariant.Corrected,
        "as-written" or "aswritten" or "paper" => ConstructionVariant.AsWritten,
        _ => throw new UsageException($"--variant {text}: expected corrected or as-written"),
    };

    /// <summary>A comma-separated list of integers &gt;= 2 (--sweep-n, --sweep-l, --bench-n).</summary>
    internal static int[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 2) throw new UsageException($"{option} {text}: expected a comma-separated list of integers >= 2");
        }

        return values.Length > 0 ? values : throw new UsageException($"{option}: empty list");
    }
}
