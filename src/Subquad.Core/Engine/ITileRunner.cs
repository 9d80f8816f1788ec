namespace Subquad.Core.Engine;

/// <summary>
/// The engine's seam: one worker's way of running block-pair tasks of a plan (the CPU tile kernels today; a GPU or a
/// remote silo plugs in here). A runner offers every pair its candidate filter cannot rule out to the reducer, with
/// the pair's exact oracle score, so answers do not depend on which runner computed them.
/// </summary>
/// <remarks>One runner per worker thread: runners own scratch buffers and are not thread-safe.</remarks>
internal interface ITileRunner
{
    /// <summary>Runs every candidate pair of <paramref name="task"/> through <paramref name="reducer"/>.</summary>
    void Run(in BlockPairTask task, PairReducer reducer);
}
