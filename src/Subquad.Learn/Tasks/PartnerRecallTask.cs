using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;

namespace Subquad.Learn.Tasks;

/// <summary>
/// The sequence versions of the paper's problems. Each document is one token (its bits as ±1 features).
/// <list type="bullet">
/// <item><b>Causal partner recall</b> (MQAR's analogue): at every position i ≥ 1, does some earlier j &lt; i meet the
/// problem's test with i? Each position is planted "yes" with probability 1/2 independently, so every position
/// class is balanced.</item>
/// <item><b>Decision</b>: one label per sequence at the last token: is there any pair? Half the sequences hold exactly
/// one planted pair at a uniformly random position, half none.</item>
/// </list>
/// Every sequence starts with a BOS token (an extra input feature; no label), then the n documents: the BOS is the
/// causal form of the sentinel row of the paper's constructions (Thm 4.1, C.2), a key a head can fall back on when
/// no earlier document passes, and every mixer sees it.
/// Labels always come from Core (<see cref="PairScoring"/> and <see cref="ScoreOrder"/> for the causal labels,
/// <see cref="BruteForce"/> for the decision), never from what the generator meant to plant.
/// </summary>
public sealed class PartnerRecallTask : ISequenceTask
{
    private const int MaxRejections = 100_000;

    /// <summary>A task over <paramref name="family"/> with sequences of <paramref name="length"/> documents (plus the BOS).</summary>
    public PartnerRecallTask(PartnerFamily family, int length, bool decision = false)
    {
        family.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Family = family;
        Documents = length;
        Decision = decision;
    }

    /// <summary>The document family.</summary>
    public PartnerFamily Family { get; }

    /// <summary>True for the decision task.</summary>
    public bool Decision { get; }

    /// <inheritdoc/>
    public string Name => (Decision ? "decision/" : "partner-recall/") + Family.Name;

    /// <inheritdoc/>
    public int InputDim => Family.Dimensions + 1;

    /// <inheritdoc/>
    public int Classes => 2;

    /// <summary>Documents per sequence (n).</summary>
    public int Documents { get; }

    /// <inheritdoc/>
    public int Length => Documents + 1;

    /// <inheritdoc/>
    public SequenceBatch Sample(Random rng, int batch)
    {
        int n = Length, l = Family.Dimensions, dim = InputDim;
        var inputs = new float[batch * n * dim];
        var targets = new int[batch * n];
        for (int b = 0; b < batch; b++)
        {
            var docs = Decision ? DecisionSequence(rng) : RecallSequence(rng);
            inputs[b * n * dim + l] = 1; // BOS flag; its bits stay 0
            targets[b * n] = -1;
            for (int t = 0; t < docs.Length; t++)
            {
                int row = (b * n + t + 1) * dim;
                for (int k = 0; k < l; k++) inputs[row + k] = (docs[t] >> k & 1) != 0 ? 1f : -1f;
            }

            Labels(docs).CopyTo(targets, b * n + 1);
        }

        return new SequenceBatch(inputs, targets, batch, n);
    }

    /// <summary>The exact labels of the documents of one sequence (Core's scores): -1 where unlabelled.</summary>
    public int[] Labels(ulong[] docs)
    {
        var vectors = ToVectors(docs);
        var labels = new int[docs.Length];
        Array.Fill(labels, -1);
        var problem = Family.Problem;
        if (Decision)
        {
            labels[^1] = BruteForce.Instance.Solve(SimilarityInstance.Monochromatic(vectors), problem).Found ? 1 : 0;
            return labels;
        }

        var t = problem.Threshold ?? default;
        for (int i = 1; i < docs.Length; i++)
        {
            labels[i] = 0;
            for (int j = 0; j < i; j++)
            {
                if (ScoreOrder.MeetsThreshold(problem.Kind, PairScoring.Score(problem.Kind, vectors, j, vectors, i), t))
                {
                    labels[i] = 1;
                    break;
                }
            }
        }

        return labels;
    }

    /// <summary>One causal-recall sequence: position i ≥ 1 planted with probability 1/2, else drawn with no earlier partner.</summary>
    public ulong[] RecallSequence(Random rng)
    {
        var docs = new ulong[Documents];
        docs[0] = RandomDocument(rng);
        for (int i = 1; i < Documents; i++) docs[i] = rng.Next(2) == 1 ? Plant(rng, docs[rng.Next(i)]) : Unpaired(rng, docs, i);
        return docs;
    }

    /// <summary>One decision sequence: with probability 1/2 exactly one planted pair, else none.</summary>
    public ulong[] DecisionSequence(Random rng)
    {
        var docs = new ulong[Documents];
        int planted = rng.Next(2) == 1 ? 1 + rng.Next(Documents - 1) : -1;
        for (int i = 0; i < Documents; i++) docs[i] = i == planted ? PlantAlone(rng, docs, i) : Unpaired(rng, docs, i);
        return docs;
    }

    private ulong PlantAlone(Random rng, ulong[] docs, int i)
    {
        // Exactly one earlier partner, so the sequence holds exactly one pair.
        for (int attempt = 0; attempt < MaxRejections; attempt++)
        {
            int j = rng.Next(i);
            ulong x = Plant(rng, docs[j]);
            int partners = 0;
            for (int k = 0; k < i; k++) partners += Family.Meets(docs[k], x) ? 1 : 0;
            if (partners == 1) return x;
        }

        throw new InvalidOperationException($"{Name}: could not plant a single pair at n = {Documents}");
    }

    private ulong Unpaired(Random rng, ulong[] docs, int i)
    {
        for (int attempt = 0; attempt < MaxRejections; attempt++)
        {
            ulong x = RandomDocument(rng);
            bool clash = false;
            for (int j = 0; j < i && !clash; j++) clash = Family.Meets(docs[j], x);
            if (!clash) return x;
        }

        throw new InvalidOperationException($"{Name}: random documents meet the test too often to draw an unpaired one at n = {Documents}");
    }

    private ulong RandomDocument(Random rng) => Choose(rng, Family.Dimensions == 64 ? ulong.MaxValue : (1UL << Family.Dimensions) - 1, Family.Weight);

    private ulong Plant(Random rng, ulong partner)
    {
        ulong all = Family.Dimensions == 64 ? ulong.MaxValue : (1UL << Family.Dimensions) - 1;
        return Choose(rng, partner, Family.Tau) | Choose(rng, all & ~partner, Family.Weight - Family.Tau);
    }

    private static ulong Choose(Random rng, ulong from, int count)
    {
        // count distinct set bits of `from`, uniformly (partial Fisher-Yates over its positions).
        Span<int> positions = stackalloc int[64];
        int m = 0;
        for (int k = 0; k < 64; k++)
        {
            if ((from >> k & 1) != 0) positions[m++] = k;
        }

        ulong r = 0;
        for (int c = 0; c < count; c++)
        {
            int pick = c + rng.Next(m - c);
            (positions[c], positions[pick]) = (positions[pick], positions[c]);
            r |= 1UL << positions[c];
        }

        return r;
    }

    private BinaryVectors ToVectors(ulong[] docs)
    {
        var builder = new BinaryVectors.Builder(docs.Length, Family.Dimensions);
        for (int i = 0; i < docs.Length; i++) builder.RowSpan(i)[0] = docs[i];
        return builder.Build();
    }
}
