namespace Subquad.Lab.Zoo;

/// <summary>
/// One point of the one-pass reference curve (Lab/StateLimit's <see cref="StateLimit.OnePassStrategy"/>, keep-first):
/// a reader with <paramref name="StateBits"/> bits keeps the first K = bits / l documents exactly and compares each new
/// one against them; <paramref name="Accuracy"/> is its token accuracy on the first <paramref name="Sequences"/> test
/// sequences of the same (task, family, n).
/// </summary>
public sealed record ZooOnePassPoint(string Task, string Family, int N, long StateBits, int Kept, int Sequences, Proportion Accuracy);
