namespace Subquad.Core.IO;

/// <summary>What a reader turns a file into: bit rows (<see cref="Vectors.BinaryVectors"/>) or float rows (<see cref="Vectors.DenseVectors"/>).</summary>
public enum VectorKind
{
    /// <summary>0/1 entries packed into bits: the paper's bag-of-words setting.</summary>
    Binary,

    /// <summary>float32 entries.</summary>
    Dense,
}
