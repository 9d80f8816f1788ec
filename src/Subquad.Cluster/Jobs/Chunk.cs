using Subquad.Core.Engine;

namespace Subquad.Cluster.Jobs;

/// <summary>The unit a silo leases: tasks [FirstTask, EndTask) of the plan, all in row band <see cref="Band"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record Chunk
{
    [Id(0)] public int Index { get; init; }

    [Id(1)] public long FirstTask { get; init; }

    [Id(2)] public long EndTask { get; init; }

    [Id(3)] public int Band { get; init; }

    /// <summary>
    /// The chunks of a plan in task order, each at most <paramref name="chunkTasks"/> consecutive tasks. With
    /// <paramref name="withinBands"/> (threshold joins) a chunk never crosses a row band, so a join's pairs from one
    /// chunk all have their first row in one band and the output can be assembled band by band; other modes merge
    /// a few pairs per chunk and let chunks run across bands (fewer, fuller chunks: less round-trip overhead).
    /// </summary>
    internal static List<Chunk> Split(EnginePlan plan, int chunkTasks, bool withinBands = true)
    {
        var chunks = new List<Chunk>();
        if (!withinBands)
        {
            for (long t = 0; t < plan.TaskCount; t += chunkTasks)
            {
                chunks.Add(new Chunk { Index = chunks.Count, FirstTask = t, EndTask = Math.Min(plan.TaskCount, t + chunkTasks), Band = plan.TaskAt(t).BandA });
            }

            return chunks;
        }

        long first = 0;
        for (int band = 0; band < plan.BandsA; band++)
        {
            long end = first + plan.TasksInBand(band);
            for (long t = first; t < end; t += chunkTasks)
            {
                chunks.Add(new Chunk { Index = chunks.Count, FirstTask = t, EndTask = Math.Min(end, t + chunkTasks), Band = band });
            }

            first = end;
        }

        if (first != plan.TaskCount) throw new InvalidOperationException($"the plan's bands hold {first} tasks, not {plan.TaskCount}");
        return chunks;
    }
}
