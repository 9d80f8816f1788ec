using Subquad.Core.Vectors;

namespace Subquad.Core.Problems;

/// <summary>
/// The documents a problem is asked on: one set (monochromatic: pairs i &lt; j) or two (bichromatic: pairs
/// (a, b) in A x B). Both sets are binary or both dense, of the same width.
/// </summary>
public sealed class SimilarityInstance
{
    private SimilarityInstance(VectorSet a, VectorSet? b)
    {
        A = a;
        B = b;
    }

    /// <summary>The documents (monochromatic) or the set A (bichromatic).</summary>
    public VectorSet A { get; }

    /// <summary>The set B, or null for a monochromatic instance.</summary>
    public VectorSet? B { get; }

    /// <summary>True for A x B instances.</summary>
    public bool IsBichromatic => B is not null;

    /// <summary>True when the vectors are binary.</summary>
    public bool IsBinary => A.IsBinary;

    /// <summary>Width l (or d).</summary>
    public int Dimensions => A.Dimensions;

    /// <summary>The set the second index of a pair refers to: B, or A itself.</summary>
    public VectorSet Right => B ?? A;

    /// <summary>Number of candidate pairs: n(n-1)/2 or |A||B|.</summary>
    public long PairCount => B is null ? (long)A.Count * (A.Count - 1) / 2 : (long)A.Count * B.Count;

    /// <summary>A monochromatic instance over <paramref name="vectors"/>.</summary>
    public static SimilarityInstance Monochromatic(VectorSet vectors) => new(vectors ?? throw new ArgumentNullException(nameof(vectors)), null);

    /// <summary>A bichromatic instance over A x B.</summary>
    /// <exception cref="InputException">The sets differ in kind (binary vs dense) or in width.</exception>
    public static SimilarityInstance Bichromatic(VectorSet a, VectorSet b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.IsBinary != b.IsBinary)
        {
            throw new InputException(b.Source, null, $"is {(b.IsBinary ? "binary" : "dense")} but {a.Source ?? "the first input"} is {(a.IsBinary ? "binary" : "dense")}; both sides of a bichromatic problem must be the same kind");
        }

        if (a.Dimensions != b.Dimensions)
        {
            throw new InputException(b.Source, null, $"has dimension {b.Dimensions} but {a.Source ?? "the first input"} has {a.Dimensions}; both sides of a bichromatic problem need the same dimension");
        }

        return new(a, b);
    }

    /// <summary>
    /// Checks that <paramref name="problem"/> can be asked on this instance and throws a one-line
    /// <see cref="InputException"/> otherwise: n &lt; 2 (or an empty side), OV, Hamming or thresholds on the wrong kind
    /// of input, an IP or Hamming threshold above l, and zero rows where cosine is undefined (the first one is named).
    /// </summary>
    public void Validate(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (B is null && A.Count < 2)
        {
            throw new InputException(A.Source, null, $"has {A.Count} row{(A.Count == 1 ? "" : "s")}; a problem over pairs needs at least 2");
        }

        if (B is not null && (A.Count < 1 || B.Count < 1))
        {
            var empty = A.Count < 1 ? A : B;
            throw new InputException(empty.Source, null, "has no rows; each side of a bichromatic problem needs at least 1");
        }

        if (problem.Kind == ProblemKind.Ov && !A.IsBinary)
        {
            throw new InputException(A.Source, null, "is dense; Orthogonal Vectors is defined on binary vectors (use minip for dense inner products)");
        }

        if (problem.Kind.IsHamming() && !A.IsBinary)
        {
            // Not defined rather than guessed: a dense "Hamming distance" (count of differing floats, or L1) would be
            // another problem with its own rounding questions; read 0/1 data with --binary instead.
            throw new InputException(A.Source, null, $"is dense; {problem.Kind.PaperName()} is defined on binary vectors (read 0/1 data as binary, or use msd/lsd/maxip/minip for dense vectors)");
        }

        if (problem.Mode == ProblemMode.Threshold && !problem.Kind.IsCosine() && A.IsBinary && problem.Threshold!.Value.CompareTo(Rational.FromInteger(A.Dimensions)) > 0)
        {
            string what = problem.Kind.IsHamming() ? "a Hamming-distance" : "an inner-product";
            throw new InputException(null, null, $"threshold t = {problem.Threshold} is above l = {A.Dimensions}; {what} threshold must lie in [0, l]");
        }

        if (problem.Kind.IsCosine())
        {
            foreach (var set in B is null ? [A] : new[] { A, B })
            {
                for (int i = 0; i < set.Count; i++)
                {
                    if (set.IsZeroRow(i))
                    {
                        string name = set.RowNames is null ? "" : $" ({set.RowNames[i]})";
                        throw new InputException(set.Source, $"row {i}{name}", "is a zero vector; cosine similarity is undefined for it (remove the row or use an inner-product problem)");
                    }
                }
            }
        }
    }
}
