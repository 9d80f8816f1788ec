namespace Subquad.Models.Constructions;

/// <summary>
/// The named subspaces of the corrected constructions' attention input (tracr style: every coordinate has a role).
/// A coordinate is -1 when the construction does not need it.
/// </summary>
/// <remarks>
/// Document row (v, kind, p) maps to: feature = v (inner products) or v/||v||_2 (cosines); one = 1; doc = 1;
/// colourA = 1 - kind, colourB = kind (bichromatic only); position = the hat functions max(0, 1 - |p - k|) for
/// k = 0..n-1, i.e. the one-hot e_p (monochromatic self-suppression only); index = p / n (search only).
/// The sentinel maps to one = its score offset and 0 elsewhere.
/// </remarks>
/// <param name="Dimensions">l: the feature block is coordinates 0..l-1.</param>
/// <param name="One">The constant coordinate.</param>
/// <param name="Doc">1 for documents, 0 for the sentinel.</param>
/// <param name="ColourA">Colour A indicator, or -1.</param>
/// <param name="ColourB">Colour B indicator, or -1.</param>
/// <param name="Position">First coordinate of the one-hot position block, or -1.</param>
/// <param name="PositionCount">Width of the position block (n) or 0.</param>
/// <param name="Index">p / n, or -1.</param>
/// <param name="Width">d_in.</param>
public sealed record TaggedLayout(int Dimensions, int One, int Doc, int ColourA, int ColourB, int Position, int PositionCount, int Index, int Width)
{
    /// <summary>Allocates the coordinates in order.</summary>
    public static TaggedLayout Allocate(int dimensions, bool colours, int positions, bool index)
    {
        int next = dimensions;
        int one = next++, doc = next++;
        int colourA = colours ? next++ : -1, colourB = colours ? next++ : -1;
        int position = positions > 0 ? next : -1;
        next += positions;
        int idx = index ? next++ : -1;
        return new TaggedLayout(dimensions, one, doc, colourA, colourB, position, positions, idx, next);
    }
}
