using System.Diagnostics;
using System.Globalization;
using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Embedders;
using SkippedFile = Subquad.Core.Text.SkippedFile;

namespace Subquad.Embeddings.NearDuplicates;

/// <summary>
/// Embeds a corpus and asks the exact engine which documents are most alike: the MSD_t threshold join
/// (<see cref="ExactSolvers.PairsMeeting"/>) or top-K (<see cref="ExactSolvers.TopPairs"/>). No pair is scored here;
/// every score comes from the engine, so BOW cosines are exact and dense ones are the engine's float64 values.
/// </summary>
public static class NearDuplicateFinder
{
    /// <summary>The histogram counts every pair when there are at most this many, else only the reported pairs.</summary>
    public const long AllPairsHistogramLimit = 2_000_000;

    /// <summary>Bins of the similarity histogram over [0, 1].</summary>
    public const int HistogramBins = 20;

    /// <summary>Finds the near-duplicate pairs of <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The documents (and what the reader already skipped).</param>
    /// <param name="embedder">The embedding model.</param>
    /// <param name="query">Threshold join or top-K.</param>
    /// <param name="histogram">Also count a similarity histogram (see <see cref="AllPairsHistogramLimit"/>).</param>
    /// <param name="options">Solver options (threads, progress, cancellation).</param>
    /// <param name="embedProgress">Receives documents embedded so far.</param>
    /// <exception cref="InputException">The threshold join found more than <see cref="NearDuplicateQuery.MaxPairs"/> pairs.</exception>
    public static NearDuplicateResult Find(DocumentCorpus corpus, IDocumentEmbedder embedder, NearDuplicateQuery query, bool histogram = false, SolveOptions? options = null, IProgress<int>? embedProgress = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(query);
        options ??= SolveOptions.Default;
        var embedding = embedder.Embed(corpus.Documents, embedProgress, options.CancellationToken);

        // A zero vector has no cosine (paper.md 2.1 defines cosine for nonzero vectors only): leave it out, saying why.
        var skipped = corpus.Skipped.ToList();
        var zero = new HashSet<int>(embedding.ZeroRows);
        foreach (int i in embedding.ZeroRows)
        {
            skipped.Add(new SkippedFile(corpus.Documents[i].Name, ZeroRowReason(embedder.Model, embedding)));
        }

        skipped.Sort((x, y) => string.CompareOrdinal(x.RelativePath, y.RelativePath));
        var keep = Enumerable.Range(0, corpus.Documents.Count).Where(i => !zero.Contains(i)).ToList();
        var names = keep.Select(i => corpus.Documents[i].Name).ToList();
        var result = new NearDuplicateResult
        {
            Root = corpus.Root,
            Query = query,
            ModelDescription = embedder.Description,
            Embedding = embedding,
            Compared = names,
            Skipped = skipped,
            Pairs = [],
            SearchTime = TimeSpan.Zero,
            Solver = ExactSolvers.Default.Name,
        };
        if (keep.Count < 2) return result;

        var vectors = keep.Count == corpus.Documents.Count ? embedding.Vectors : Rows(embedding.Vectors, keep, names);
        var instance = SimilarityInstance.Monochromatic(vectors.WithNames(names, corpus.Root));
        var clock = Stopwatch.StartNew();
        var answers = new List<Answer>();
        if (query.Threshold is { } t)
        {
            var problem = Problem.WithThreshold(ProblemKind.Msd, t);
            ExactSolvers.PairsMeeting(instance, problem, pair =>
            {
                answers.Add(pair);
                return answers.Count <= query.MaxPairs;
            }, options);
            if (answers.Count > query.MaxPairs)
            {
                throw new InputException(corpus.Root, null, string.Create(CultureInfo.InvariantCulture,
                    $"more than {query.MaxPairs} pairs have cosine >= {t}; raise --threshold or use --top K"));
            }

            answers.Sort((x, y) =>
            {
                int c = ScoreOrder.CompareValues(ProblemKind.Msd, y.Score, x.Score);
                return c != 0 ? c : x.I != y.I ? x.I.CompareTo(y.I) : x.J.CompareTo(y.J);
            });
        }
        else
        {
            answers.AddRange(ExactSolvers.TopPairs(instance, ProblemKind.Msd, query.Top!.Value, options));
        }

        clock.Stop();
        var pairs = answers.Select(a => new DocumentPair(a.I, a.J, names[a.I], names[a.J], a.Score)).ToList();
        return result with
        {
            Pairs = pairs,
            SearchTime = clock.Elapsed,
            Histogram = histogram ? CountHistogram(instance, pairs, options) : null,
        };
    }

    private static string ZeroRowReason(EmbeddingModel model, Embedding embedding) => model switch
    {
        EmbeddingModel.MiniLm => "no word piece after normalisation (zero vector; cosine is undefined)",
        _ => $"contains none of the vocabulary's terms ({embedding.Details}; zero vector, cosine is undefined)",
    };

    /// <summary>All pairs when there are few enough (streamed through the engine's join at t = 0), else the reported ones.</summary>
    private static SimilarityHistogram CountHistogram(SimilarityInstance instance, IReadOnlyList<DocumentPair> pairs, SolveOptions options)
    {
        long total = instance.PairCount;
        if (total > AllPairsHistogramLimit)
        {
            var reported = new SimilarityHistogram(HistogramBins, string.Create(CultureInfo.InvariantCulture,
                $"the {pairs.Count} reported pairs (all {total:N0} pairs are more than {AllPairsHistogramLimit:N0})"));
            foreach (var pair in pairs) reported.Add(pair.Similarity);
            return reported;
        }

        var all = new SimilarityHistogram(HistogramBins, string.Create(CultureInfo.InvariantCulture, $"all {total:N0} pairs"));
        // MSD_t at t = 0 delivers every pair with cosine >= 0; the rest of the n(n-1)/2 pairs are below 0.
        long delivered = ExactSolvers.PairsMeeting(instance, Problem.WithThreshold(ProblemKind.Msd, Rational.FromInteger(0)), pair =>
        {
            all.Add(pair.Score.Value);
            return true;
        }, options);
        all.BelowZero = total - delivered;
        return all;
    }

    /// <summary>The rows <paramref name="keep"/> of <paramref name="vectors"/>, in that order.</summary>
    internal static VectorSet Rows(VectorSet vectors, IReadOnlyList<int> keep, IReadOnlyList<string> names)
    {
        switch (vectors)
        {
            case BinaryVectors binary:
                var bits = new BinaryVectors.Builder(keep.Count, binary.Dimensions);
                for (int r = 0; r < keep.Count; r++) binary.Row(keep[r]).CopyTo(bits.RowSpan(r));
                return bits.Build(names, binary.Source);
            case DenseVectors dense:
                var floats = new DenseVectors.Builder(keep.Count, dense.Dimensions, dense.Source);
                for (int r = 0; r < keep.Count; r++) dense.Row(keep[r]).CopyTo(floats.RowSpan(r));
                return floats.Build(names);
            default:
                throw new ArgumentException($"unknown vector set {vectors.GetType().Name}", nameof(vectors));
        }
    }
}
