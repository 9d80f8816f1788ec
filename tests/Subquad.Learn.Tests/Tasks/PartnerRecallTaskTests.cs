using Subquad.Core.Problems;
using Subquad.Core.Solvers;
using Subquad.Core.Vectors;
using Subquad.Learn.Tasks;

namespace Subquad.Learn.Tests.Tasks;

public sealed class PartnerRecallTaskTests
{
    public static TheoryData<string, int> Families => new() { { "ov", 64 }, { "lsd", 64 }, { "msd", 64 }, { "ov", 512 }, { "msd", 512 } };

    [Theory]
    [MemberData(nameof(Families))]
    public void Every_position_class_is_balanced_and_every_document_has_the_same_weight(string family, int n)
    {
        var task = new PartnerRecallTask(PartnerFamily.Parse(family), n);
        var rng = new Random(5);
        int sequences = n >= 512 ? 40 : 300;
        var yes = new int[n];
        for (int s = 0; s < sequences; s++)
        {
            var docs = task.RecallSequence(rng);
            Assert.All(docs, d => Assert.Equal(task.Family.Weight, System.Numerics.BitOperations.PopCount(d)));
            var labels = task.Labels(docs);
            Assert.Equal(-1, labels[0]);
            for (int i = 1; i < n; i++) yes[i] += labels[i];
        }

        // Position classes: quarters of the sequence. Each is planted at rate 1/2; accidental partners add a little.
        for (int q = 0; q < 4; q++)
        {
            int lo = Math.Max(1, q * n / 4), hi = (q + 1) * n / 4;
            double rate = (double)Enumerable.Range(lo, hi - lo).Sum(i => yes[i]) / ((hi - lo) * sequences);
            Assert.InRange(rate, 0.44, 0.60);
        }
    }

    [Theory]
    [InlineData("ov")]
    [InlineData("lsd")]
    [InlineData("msd")]
    public void Labels_are_the_exact_test_against_earlier_documents(string family)
    {
        var task = new PartnerRecallTask(PartnerFamily.Parse(family), 40);
        var docs = task.RecallSequence(new Random(9));
        var labels = task.Labels(docs);
        var problem = task.Family.Problem;
        for (int i = 1; i < docs.Length; i++)
        {
            // Oracle: the prefix 0..i holds a pair with i iff BruteForce finds one among the pairs ending in i.
            var prefix = BinaryVectors.FromRows(docs.Take(i + 1).Select(d => Enumerable.Range(0, 64).Select(k => (d >> k & 1) != 0).ToArray()).ToList(), 64);
            bool any = BruteForce.PairsMeeting(SimilarityInstance.Monochromatic(prefix), problem).Any(a => a.J == i);
            Assert.Equal(any ? 1 : 0, labels[i]);
        }
    }

    [Fact]
    public void Thresholds_sit_on_achievable_scores_and_one_bit_either_side_flips_the_test()
    {
        // MSD: cos >= 10/16 is ip >= 10 at weight 16; LSD: cos <= 1/20 is ip <= 1 at weight 20.
        var msd = PartnerFamily.Msd.Problem;
        var lsd = PartnerFamily.Lsd.Problem;
        Assert.True(ScoreOrder.MeetsThreshold(msd.Kind, PairScore.Binary(msd.Kind, 10, 16, 16), msd.Threshold!.Value));
        Assert.False(ScoreOrder.MeetsThreshold(msd.Kind, PairScore.Binary(msd.Kind, 9, 16, 16), msd.Threshold!.Value));
        Assert.True(ScoreOrder.MeetsThreshold(lsd.Kind, PairScore.Binary(lsd.Kind, 1, 20, 20), lsd.Threshold!.Value));
        Assert.False(ScoreOrder.MeetsThreshold(lsd.Kind, PairScore.Binary(lsd.Kind, 2, 20, 20), lsd.Threshold!.Value));
    }

    [Fact]
    public void Decision_sequences_are_balanced_with_at_most_one_pair()
    {
        var task = new PartnerRecallTask(PartnerFamily.Ov, 32, decision: true);
        var rng = new Random(3);
        int yes = 0, trials = 400;
        for (int s = 0; s < trials; s++)
        {
            var docs = task.DecisionSequence(rng);
            var labels = task.Labels(docs);
            Assert.All(labels.SkipLast(1), l => Assert.Equal(-1, l));
            yes += labels[^1];
            var vectors = BinaryVectors.FromRows(docs.Select(d => Enumerable.Range(0, 64).Select(k => (d >> k & 1) != 0).ToArray()).ToList(), 64);
            Assert.True(BruteForce.PairsMeeting(SimilarityInstance.Monochromatic(vectors), Problem.WithThreshold(ProblemKind.MinIp, Rational.FromInteger(0))).Count <= 1);
        }

        Assert.InRange(yes, 160, 240);
    }

    [Fact]
    public void Batches_carry_a_bos_token_then_the_documents_as_plus_minus_one()
    {
        var task = new PartnerRecallTask(PartnerFamily.Ov, 8);
        var batch = task.Sample(new Random(1), 2);
        Assert.Equal(9, batch.Length);
        Assert.Equal(65, task.InputDim);
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(1f, batch.Inputs[b * 9 * 65 + 64]);
            Assert.Equal(-1, batch.Targets[b * 9]);
            Assert.Equal(-1, batch.Targets[b * 9 + 1]); // the first document has no earlier partner
            for (int t = 1; t < 9; t++)
            {
                var row = batch.Inputs.AsSpan((b * 9 + t) * 65, 65);
                Assert.Equal(0f, row[64]);
                Assert.Equal(16, row[..64].ToArray().Count(v => v == 1f));
                Assert.Equal(48, row[..64].ToArray().Count(v => v == -1f));
            }
        }
    }
}
