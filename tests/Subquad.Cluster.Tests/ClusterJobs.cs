using Subquad.Cluster.Jobs;
using Subquad.Core.Engine;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;

namespace Subquad.Cluster.Tests;

/// <summary>Writing instances into a cluster's data directory, making jobs, and the local engine's answers to compare with.</summary>
internal static class ClusterJobs
{
    private static int _next;

    /// <summary>Writes the instance as .npy file(s) under <paramref name="directory"/>; returns the job's inputs.</summary>
    public static (InputRef Input, InputRef? Against) Write(string directory, SimilarityInstance instance, string name)
    {
        string a = Path.Combine(directory, name + ".npy");
        VectorFile.Write(a, instance.A);
        InputRef? against = null;
        if (instance.B is { } b)
        {
            string path = Path.Combine(directory, name + ".b.npy");
            VectorFile.Write(path, b);
            against = InputHash.Of(path);
        }

        return (InputHash.Of(a), against);
    }

    public static JobSpec Spec(string directory, SimilarityInstance instance, (InputRef Input, InputRef? Against) files, Problem problem,
        int? top = null, bool all = false, int chunkTasks = 1, int blockRows = 64)
    {
        string id = $"test-{Environment.ProcessId}-{Interlocked.Increment(ref _next)}";
        return JobSpec.Create(id, instance, files.Input, files.Against, instance.IsBinary ? VectorKind.Binary : VectorKind.Dense, problem, top, all, pruning: true,
            all ? Path.Combine(directory, "shards-" + id) : null, chunkTasks, blockRows);
    }

    /// <summary>The local engine's answers for a job, as the CLI would print them.</summary>
    public static IReadOnlyList<Answer> Local(SimilarityInstance instance, JobSpec spec)
    {
        var problem = spec.ToProblem();
        if (spec.Top is int k) return TiledEngine.Default.TopPairs(instance, spec.Problem, k);
        if (spec.All)
        {
            var pairs = new List<Answer>();
            TiledEngine.Default.PairsMeeting(instance, problem, a => { pairs.Add(a); return true; });
            return pairs;
        }

        return [TiledEngine.Default.Solve(instance, problem)];
    }

    public static void Same(IReadOnlyList<Answer> expected, IReadOnlyList<Answer> actual, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} answers, expected {expected.Count}");
        for (int k = 0; k < expected.Count; k++)
        {
            var e = expected[k];
            var a = actual[k];
            Assert.True(e.Found == a.Found && e.I == a.I && e.J == a.J && e.Problem == a.Problem && e.Score == a.Score
                && BitConverter.DoubleToInt64Bits(e.Score.Value) == BitConverter.DoubleToInt64Bits(a.Score.Value),
                $"{what}: answer {k} is {a}, expected {e}");
        }
    }
}
