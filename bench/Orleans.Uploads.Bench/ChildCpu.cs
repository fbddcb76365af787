using System.Runtime.InteropServices;

namespace Orleans.Uploads.Bench;

/// <summary>
/// CPU time of the bench's finished child processes (getrusage RUSAGE_CHILDREN: utime + stime of every child reaped so
/// far, and of the children they reaped). The client programs (curl, node) are children that run and exit within one
/// measured upload, so the difference across it is their CPU. /proc/PID/stat cannot give it: .NET reaps a child as
/// soon as it exits, and its /proc entry goes with it. The server processes are children too, but live through every
/// measurement, so they never add to it.
/// </summary>
public static class ChildCpu
{
    private const int RusageChildren = -1;

    /// <summary>Seconds of CPU used by all reaped children so far.</summary>
    public static double Seconds()
    {
        // struct rusage on 64-bit Linux: ru_utime and ru_stime (timeval: seconds, microseconds), then 14 longs.
        var usage = new long[18];
        if (GetResourceUsage(RusageChildren, usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return usage[0] + (usage[1] / 1e6) + usage[2] + (usage[3] / 1e6);
    }

    // DllImport, not LibraryImport: the source-generated stub needs unsafe code in the project; a long[] is blittable.
    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetResourceUsage(int who, [Out] long[] usage);
}
