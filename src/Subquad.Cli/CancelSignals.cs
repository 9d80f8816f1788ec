using System.Runtime.InteropServices;
using Subquad.Core.IO;

namespace Subquad.Cli;

/// <summary>
/// Turns SIGINT (Ctrl-C) and SIGTERM (what <c>timeout</c>, <c>kill</c> and job schedulers send) into a cancellation
/// the running command sees at its next check, so finished work is flushed and kept; the exit code then says which
/// signal it was: 130 for SIGINT, 143 for SIGTERM (128 + the signal number, as a shell reports it).
/// </summary>
internal sealed class CancelSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private volatile bool _terminated;

    // Verbs listening now (Listen): while any is, the process-wide handler leaves the signal to them.
    private static int _listening;
    private static readonly List<PosixSignalRegistration> ProcessRegistrations = [];

    /// <summary>
    /// The one process-wide handler (installed by <c>Program.Main</c>, never by in-process tests): SIGINT and SIGTERM
    /// during a verb that stops cooperatively (<see cref="Listen"/>: solve, duel, zoo) are left to it, which keeps
    /// finished work and exits 130/143; during any other verb (generate, embed, reduce, search, near-duplicates,
    /// transformer --export, sat, ...) the unfinished temporary outputs are removed (outputs are written atomically,
    /// so nothing half-written ever had the target's name), one line says so, and the default action ends the
    /// process: exit 143 for SIGTERM, 130 for SIGINT, as a shell reports them.
    /// </summary>
    public static void InstallProcessHandler(TextWriter error)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                ProcessRegistrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    if (Volatile.Read(ref _listening) > 0)
                    {
                        context.Cancel = true; // the listening verb cancels, flushes and reports
                        return;
                    }

                    int removed = AtomicFile.RemoveInFlight();
                    string name = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
                    try
                    {
                        error.WriteLine(removed > 0
                            ? $"terminated by {name}: {removed} unfinished output{(removed == 1 ? "" : "s")} removed (no earlier file was replaced)"
                            : $"terminated by {name}");
                        error.Flush();
                    }
                    catch (IOException)
                    {
                    }
                }));
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
    }

    private CancelSignals()
    {
        Interlocked.Increment(ref _listening);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true; // keep the process alive: the command stops at its next check and keeps what it has
                    if (context.Signal == PosixSignal.SIGTERM) _terminated = true;
                    _cancel.Cancel();
                }));
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
    }

    /// <summary>Cancelled when either signal arrives.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The exit code for a cancelled run: 143 after SIGTERM, else 130.</summary>
    public int CancelledExitCode => _terminated ? ExitCodes.Terminated : ExitCodes.Cancelled;

    /// <summary>Starts listening; dispose to restore the default handling.</summary>
    public static CancelSignals Listen() => new();

    /// <summary>Maps a command's exit code: a cancelled run reports the signal that cancelled it.</summary>
    public int Map(int code) => code == ExitCodes.Cancelled ? CancelledExitCode : code;

    public void Dispose()
    {
        Interlocked.Decrement(ref _listening);
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
