using System.Runtime.InteropServices;

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

    private CancelSignals()
    {
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
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
