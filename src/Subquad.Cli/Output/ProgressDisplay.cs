using Spectre.Console;

namespace Subquad.Cli.Output;

/// <summary>
/// Runs work with a Spectre progress bar on stderr when stderr is a terminal (<see cref="CliIO.Interactive"/>), and
/// plainly otherwise, so piped and captured output never holds control codes.
/// </summary>
internal static class ProgressDisplay
{
    public static T Run<T>(CliIO io, string label, Func<IProgress<double>?, T> work)
    {
        if (!io.Interactive) return work(null);
        return io.ErrorConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(label, maxValue: 1.0);
                var result = work(new TaskProgress(task));
                task.Value = 1.0;
                return result;
            });
    }

    /// <summary>Sets the bar directly from the solver's threads (ProgressTask is safe to update from any thread; <see cref="Progress{T}"/> would post to a context a console app does not have).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<double>
    {
        public void Report(double value) => task.Value = Math.Clamp(value, 0, 1);
    }
}
