using Subquad.Cluster.Jobs;
using Subquad.Core;
using Subquad.Core.Engine;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Cluster.Tests;

/// <summary>
/// The split engine (<see cref="PartialSolver"/>: any chunks of the plan, run in any order with any thread count,
/// merged in any order, with pruning hints) gives exactly <see cref="TiledEngine"/>'s answer and the oracle's, ties
/// included, for every kind, form and mode <c>solve</c> takes.
/// </summary>
public class PartialSolverTests
{
    private const int BlockRows = 32;

    /// <summary>Runs the plan the way a cluster does: random chunks, shuffled, hints from what is merged so far.</summary>
    private static IReadOnlyList<Answer> Distributed(Random random, SimilarityInstance instance, Problem problem, int? top, bool all)
    {
        var solver = new PartialSolver(instance, problem, top, all, pruning: random.Next(4) != 0, BlockRows);
        bool within = all || random.Next(2) == 0;
        var chunks = random.Next(2) == 0
            ? Chunk.Split(solver.Plan, 1 + random.Next(5), within)
            : Chunk.Split(solver.Plan, 1 + random.Next(3), within, share: 1 + random.Next(8), maxTasks: 2 + random.Next(20));
        var order = chunks.OrderBy(_ => random.Next()).ToList();
        IReadOnlyList<ScoredPair> merged = [];
        foreach (var chunk in order)
        {
            var hint = random.Next(2) == 0 ? merged : null;
            var part = solver.Run(chunk.FirstTask, chunk.EndTask, 1 + random.Next(3), hint);
            merged = random.Next(2) == 0 ? solver.Spec.Merge(merged, part) : solver.Spec.Merge(part, merged);
        }

        return PartialSolver.Answers(problem, solver.Spec, merged);
    }

    private static void Same(IReadOnlyList<Answer> expected, IReadOnlyList<Answer> actual, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} answers, expected {expected.Count}");
        for (int k = 0; k < expected.Count; k++)
        {
            var e = expected[k];
            var a = actual[k];
            Assert.True(e.Found == a.Found && e.I == a.I && e.J == a.J && e.Problem == a.Problem, $"{what}: answer {k} is {a}, expected {e}");
            Assert.True(BitConverter.DoubleToInt64Bits(e.Score.Value) == BitConverter.DoubleToInt64Bits(a.Score.Value) && e.Score == a.Score, $"{what}: answer {k} score {a.Score}, expected {e.Score}");
        }
    }

    [Theory]
    [InlineData(true, false, 1)]
    [InlineData(true, true, 2)]
    [InlineData(false, false, 3)]
    [InlineData(false, true, 4)]
    public void EveryKindFormAndModeMatchesTheLocalEngineAndTheOracle(bool binary, bool bichromatic, int seed)
    {
        var random = new Random(seed);
        var engine = new TiledEngine(blockRows: BlockRows);
        int checkedProblems = 0;
        for (int c = 0; c < 6; c++)
        {
            int n = c == 0 ? 2 : 20 + random.Next(150);
            int dims = binary ? (random.Next(3) == 0 ? 1 + random.Next(12) : 30 + random.Next(200)) : 1 + random.Next(40);
            var instance = Instances.Make(random, binary, bichromatic, n, dims);
            foreach (var kind in Enum.GetValues<ProblemKind>())
            {
                if (kind.NeedsBinary() && !binary) continue;
                var exact = Problem.Exact(kind);
                var problems = new List<Problem> { exact };
                if (kind != ProblemKind.Ov)
                {
                    problems.Add(Problem.Approximate(kind, new Rational(3, 2)));
                    var best = engine.Solve(instance, exact);
                    foreach (var t in Instances.Thresholds(kind, best.Score.Value))
                    {
                        try
                        {
                            var p = Problem.WithThreshold(kind, t);
                            instance.Validate(p);
                            problems.Add(p);
                        }
                        catch (ArgumentOutOfRangeException)
                        {
                        }
                        catch (InputException)
                        {
                        }
                    }
                }

                foreach (var problem in problems)
                {
                    string what = $"seed {seed} instance {c} (n={n}, dims={dims}) {problem}";
                    var expected = engine.Solve(instance, problem);
                    Same([BruteForce.Instance.Solve(instance, problem)], [expected], what + " (engine vs oracle)");
                    Same([expected], Distributed(random, instance, problem, null, false), what);
                    if (problem.IsDecision)
                    {
                        var pairs = new List<Answer>();
                        engine.PairsMeeting(instance, problem, a => { pairs.Add(a); return true; });
                        Same(BruteForce.PairsMeeting(instance, problem), pairs, what + " --all (engine vs oracle)");
                        Same(pairs, Distributed(random, instance, problem, null, true), what + " --all");
                    }

                    checkedProblems++;
                }

                foreach (int k in new[] { 1, 5, (int)Math.Min(instance.PairCount + 3, 400) })
                {
                    var expected = engine.TopPairs(instance, kind, k);
                    Same(BruteForce.TopPairs(instance, kind, k), expected, $"seed {seed} instance {c} top {k} {kind} (engine vs oracle)");
                    Same(expected, Distributed(random, instance, exact, k, false), $"seed {seed} instance {c} top {k} {kind}");
                }
            }
        }

        Assert.True(checkedProblems > 50, $"only {checkedProblems} problems checked");
    }

    [Fact]
    public void ChunksCoverEveryTaskOnceWithinOneBand()
    {
        foreach (var (a, b, mono) in new[] { (1000, 1000, true), (33, 33, true), (65, 65, true), (100, 7, false), (2, 2, true) })
        {
            var plan = EnginePlan.Create(a, b, mono, 32);
            foreach (int size in new[] { 1, 3, 1000 })
            {
                var chunks = Chunk.Split(plan, size);
                long next = 0;
                foreach (var chunk in chunks)
                {
                    Assert.Equal(next, chunk.FirstTask);
                    Assert.True(chunk.EndTask > chunk.FirstTask && chunk.EndTask - chunk.FirstTask <= size);
                    Assert.All(Enumerable.Range(0, (int)(chunk.EndTask - chunk.FirstTask)), k => Assert.Equal(chunk.Band, plan.TaskAt(chunk.FirstTask + k).BandA));
                    next = chunk.EndTask;
                }

                Assert.Equal(plan.TaskCount, next);
                var across = Chunk.Split(plan, size, withinBands: false);
                Assert.Equal(Enumerable.Range(0, (int)plan.TaskCount).Select(k => (long)k), across.SelectMany(c => Enumerable.Range(0, (int)(c.EndTask - c.FirstTask)).Select(k => c.FirstTask + k)));
                Assert.All(across, c => Assert.True(c.EndTask - c.FirstTask <= size));
            }
        }
    }

    [Fact]
    public void GuidedChunksCoverEveryTaskOnceShrinkingTowardsTheEnd()
    {
        foreach (var (a, b, mono) in new[] { (1000, 1000, true), (33, 33, true), (3000, 2000, false), (2, 2, true) })
        {
            var plan = EnginePlan.Create(a, b, mono, 16);
            foreach (var (min, share, max) in new[] { (1, 4, 50L), (3, 32, 1000L), (2, 1, 7L) })
            {
                foreach (bool within in new[] { true, false })
                {
                    var chunks = Chunk.Split(plan, min, within, share, max);
                    long next = 0;
                    for (int k = 0; k < chunks.Count; k++)
                    {
                        var c = chunks[k];
                        long size = c.EndTask - c.FirstTask;
                        Assert.Equal(k, c.Index);
                        Assert.Equal(next, c.FirstTask);
                        Assert.Equal(plan.TaskAt(c.FirstTask).BandA, c.Band);
                        long target = Math.Clamp((plan.TaskCount - c.FirstTask) / share, min, max);
                        // Exactly the guided size, unless cut short by the plan's end or (joins) the band's end.
                        bool bandEnd = within && (c.EndTask == plan.TaskCount || plan.TaskAt(c.EndTask).BandA != c.Band);
                        Assert.True(size == target || c.EndTask == plan.TaskCount || bandEnd && size < target, $"chunk {k}: {size} tasks, guided {target}");
                        if (within) Assert.Equal(c.Band, plan.TaskAt(c.EndTask - 1).BandA);
                        next = c.EndTask;
                    }

                    Assert.Equal(plan.TaskCount, next);
                }
            }
        }

        // The defaults: dense n = 100,000 in 512-row blocks on 2 silos makes a few dozen chunks (not hundreds),
        // the first about 1/32 of the job, the last ones of about 2^26 pairs.
        var dense = EnginePlan.Create(100_000, 100_000, true, 512);
        var (minTasks, chunkShare, maxTasks) = JobSpec.GuidedChunks(512, 2);
        Assert.Equal(32, chunkShare);
        Assert.Equal(128, JobSpec.GuidedChunks(512, 32).Share);
        var guided = Chunk.Split(dense, minTasks, false, chunkShare, maxTasks);
        Assert.InRange(guided.Count, 40, 80);
        Assert.Equal(dense.TaskCount / 32, guided[0].EndTask);
        Assert.Equal(minTasks, guided[^2].EndTask - guided[^2].FirstTask);
    }
}
