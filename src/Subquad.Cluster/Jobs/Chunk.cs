using Subquad.Core.Engine;

namespace Subquad.Cluster.Jobs;

/// <summary>The unit a silo leases: tasks [FirstTask, EndTask) of the plan, starting in row band <see cref="Band"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record Chunk
{
    [Id(0)] public int Index { get; init; }

    [Id(1)] public long FirstTask { get; init; }

    [Id(2)] public long EndTask { get; init; }

    [Id(3)] public int Band { get; init; }

    /// <summary>
    /// The chunks of a plan in task order. Each holds at least <paramref name="minTasks"/> consecutive tasks (the
    /// last one of a band or of the plan may hold fewer); with <paramref name="share"/> &gt; 0 a chunk holds
    /// max(<paramref name="minTasks"/>, remaining / <paramref name="share"/>) tasks, at most
    /// <paramref name="maxTasks"/> (guided self-scheduling: large chunks early, when a silo that takes one leaves
    /// plenty for the others, and small ones at the end, so no silo idles long while another finishes its last
    /// chunk); with <paramref name="share"/> = 0 every chunk holds <paramref name="minTasks"/>. The split depends
    /// on the plan and these numbers only, so a coordinator reactivated elsewhere rebuilds the same chunks.
    /// With <paramref name="withinBands"/> (threshold joins) a chunk never crosses a row band, so a join's pairs
    /// from one chunk all have their first row in one band and the output can be assembled band by band; other
    /// modes merge a few pairs per chunk and let chunks run across bands.
    /// </summary>
    internal static List<Chunk> Split(EnginePlan plan, int minTasks, bool withinBands = true, int share = 0, long maxTasks = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minTasks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(share);
        maxTasks = Math.Max(maxTasks, minTasks);
        var chunks = new List<Chunk>();
        long t = 0;
        int band = 0;
        long bandEnd = plan.TaskCount == 0 ? 0 : plan.TasksInBand(0);
        while (t < plan.TaskCount)
        {
            while (t >= bandEnd)
            {
                band++;
                bandEnd += plan.TasksInBand(band);
            }

            long size = share == 0 ? minTasks : Math.Clamp((plan.TaskCount - t) / share, minTasks, maxTasks);
            long end = Math.Min(plan.TaskCount, t + size);
            if (withinBands) end = Math.Min(end, bandEnd);
            chunks.Add(new Chunk { Index = chunks.Count, FirstTask = t, EndTask = end, Band = band });
            t = end;
        }

        return chunks;
    }
}
