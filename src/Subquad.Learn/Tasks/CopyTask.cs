namespace Subquad.Learn.Tasks;

/// <summary>
/// The tiny copy task of the learning tests: k random symbols from a vocabulary of V, a separator, then the same
/// symbols again (teacher-forced); positions k .. 2k-1 must predict symbol 1 .. k. Inputs are one-hot over V + 1
/// symbols. Solving it needs k·log2 V bits of memory and a fixed-offset lookup (attention: by position).
/// </summary>
public sealed class CopyTask(int symbols, int vocabulary) : ISequenceTask
{
    /// <inheritdoc/>
    public string Name => "copy";

    /// <inheritdoc/>
    public int InputDim => vocabulary + 1;

    /// <inheritdoc/>
    public int Classes => vocabulary;

    /// <inheritdoc/>
    public int Length => 2 * symbols;

    /// <inheritdoc/>
    public SequenceBatch Sample(Random rng, int batch)
    {
        int length = Length, dim = InputDim;
        var inputs = new float[batch * length * dim];
        var targets = new int[batch * length];
        Array.Fill(targets, -1);
        for (int b = 0; b < batch; b++)
        {
            var s = new int[symbols];
            for (int i = 0; i < symbols; i++) s[i] = rng.Next(vocabulary);
            for (int t = 0; t < length; t++)
            {
                int token = t < symbols ? s[t] : t == symbols ? vocabulary : s[t - symbols - 1];
                inputs[(b * length + t) * dim + token] = 1;
                if (t >= symbols) targets[b * length + t] = s[t - symbols];
            }
        }

        return new SequenceBatch(inputs, targets, batch, length);
    }
}
