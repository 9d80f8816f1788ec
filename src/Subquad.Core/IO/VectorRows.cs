using Subquad.Core.Vectors;

namespace Subquad.Core.IO;

/// <summary>Row access shared by the writers: any <see cref="VectorSet"/> row as floats (bits as 0/1).</summary>
internal static class VectorRows
{
    public static void CopyRow(VectorSet vectors, int i, Span<float> destination)
    {
        switch (vectors)
        {
            case BinaryVectors binary:
                var words = binary.Row(i);
                for (int k = 0; k < binary.Dimensions; k++) destination[k] = (words[k >> 6] >> (k & 63)) & 1UL;
                break;
            case DenseVectors dense:
                dense.Row(i).CopyTo(destination);
                break;
            default:
                throw new ArgumentException($"unknown vector set {vectors.GetType().Name}", nameof(vectors));
        }
    }
}
