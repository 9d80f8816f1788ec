using System.Runtime.InteropServices;

namespace Subquad.Lab.Duel;

/// <summary>
/// The calling thread's CPU time (user + system), for timing one duel cell while another runs on the other core:
/// the process's CPU time would count both.
/// </summary>
/// <remarks>
/// POSIX <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c> (Linux: clock id 3, macOS: 16); elsewhere NaN, which the
/// report prints as missing rather than as another thread's time.
/// </remarks>
internal static partial class ThreadCpuTime
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private static readonly int? Clock = OperatingSystem.IsLinux() ? 3 : OperatingSystem.IsMacOS() ? 16 : null;

    /// <summary>Seconds of CPU this thread has used; NaN where the platform has no per-thread clock.</summary>
    public static double Seconds()
    {
        if (Clock is not int clock || ClockGetTime(clock, out var t) != 0) return double.NaN;
        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}
