using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Orleans.Uploads.Grains.Storage;

/// <summary>
/// Makes a file's written bytes durable. On Linux this is fdatasync: the bytes (and a size change, if any) reach the
/// disk as with fsync, without also forcing a journal commit for the file's modification time on every chunk.
/// Elsewhere it is the runtime's full flush.
/// </summary>
internal static partial class DataFlush
{
    private const int Interrupted = 4; // EINTR

    public static void Flush(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        while (FDataSync(handle) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != Interrupted)
            {
                throw new IOException($"fdatasync failed: {Marshal.GetPInvokeErrorMessage(error)}", error);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(SafeFileHandle handle);
}
