namespace Subquad.Core.IO;

/// <summary>
/// The TEXMEX vector formats (the ANN_SIFT/GIST benchmark files): each record is a little-endian int32 dimension d
/// followed by d components, float32 for <c>.fvecs</c> and uint8 for <c>.bvecs</c>. There is no header; the row
/// count is the number of records.
/// </summary>
public enum TexmexFormat
{
    /// <summary><c>.fvecs</c>: float32 components.</summary>
    Fvecs,

    /// <summary><c>.bvecs</c>: uint8 components.</summary>
    Bvecs,
}
