using Subquad.Learn.Autodiff;

namespace Subquad.Learn.Ops;

/// <summary>
/// Row lookup: y[r] = table[ids[r]]. Used for learned absolute positions (ids = position in the sequence) and token
/// embeddings. Backward scatters dy back into the rows it read (a row read twice gets both gradients).
/// </summary>
public static class Embedding
{
    /// <summary>table [vocab, width] at ids → [ids.Length, width].</summary>
    public static Tensor Apply(Tape tape, Tensor table, int[] ids)
    {
        int d = table.Cols;
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)table.Rows) throw new ArgumentOutOfRangeException(nameof(ids), id, $"embedding: id outside {table}");
        }

        var y = tape.Output(ids.Length, d, zeroed: false, table);
        for (int r = 0; r < ids.Length; r++) table.Row(ids[r]).CopyTo(y.Row(r));
        tape.Record(y, () =>
        {
            var dt = table.GradBuffer();
            var dy = y.Grad!;
            for (int r = 0; r < ids.Length; r++)
            {
                var row = dt.AsSpan(ids[r] * d, d);
                System.Numerics.Tensors.TensorPrimitives.Add(row, dy.AsSpan(r * d, d), row);
            }
        });
        return y;
    }

    /// <summary>Positions 0..length-1 repeated for each of <paramref name="batch"/> sequences.</summary>
    public static int[] Positions(int batch, int length)
    {
        var ids = new int[batch * length];
        for (int i = 0; i < ids.Length; i++) ids[i] = i % length;
        return ids;
    }

    /// <summary>Float64 scalar reference.</summary>
    public static class Reference
    {
        /// <summary>y[r] = table[ids[r]].</summary>
        public static double[] Forward(double[] table, int d, int[] ids)
        {
            var y = new double[ids.Length * d];
            for (int r = 0; r < ids.Length; r++) Array.Copy(table, ids[r] * d, y, r * d, d);
            return y;
        }
    }
}
