using System.Globalization;

namespace Subquad.Lab.Zoo;

/// <summary>The identity of one training run (what a resumed sweep skips when it is already in runs.jsonl).</summary>
public sealed record ZooRunKey(string Task, string Family, int N, string Mixer, int Width, int Seed, double Lr)
{
    /// <summary>A stable text form.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Task}/{Family} n={N} {Mixer} width={Width} seed={Seed} lr={(double.IsNaN(Lr) ? "(selected at a smaller n)" : Lr.ToString("R", CultureInfo.InvariantCulture))}");
}
