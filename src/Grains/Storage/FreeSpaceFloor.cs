using System.Diagnostics;

namespace Orleans.Uploads.Grains.Storage;

/// <summary>
/// Keeps a store's disk from filling: a write that would leave less than the floor free is refused before it starts.
/// Reading the file system's free space (statvfs) on every piece would cost a system call per write, so the reading is
/// cached for <see cref="ReadingLifetime"/> and the bytes admitted since are subtracted from it: a burst inside one
/// reading cannot overshoot. Overwrites of bytes already allocated count too, which errs on the safe side.
/// </summary>
public sealed class FreeSpaceFloor
{
    public static readonly TimeSpan ReadingLifetime = TimeSpan.FromSeconds(1);

    private readonly string _directory;
    private readonly long _floorBytes;
    private readonly Lock _reading = new();
    private long _freeAtReading;
    private long _readAt;
    private bool _hasReading;
    private long _admittedSinceReading;

    /// <param name="directory">A directory on the disk to watch.</param>
    /// <param name="floorBytes">Bytes that must stay free; 0 turns the floor off.</param>
    public FreeSpaceFloor(string directory, long floorBytes)
    {
        _directory = directory;
        _floorBytes = floorBytes;
    }

    public bool IsOn => _floorBytes > 0;

    /// <summary>The bytes that must stay free; 0 when the floor is off.</summary>
    public long FloorBytes => _floorBytes;

    /// <summary>The disk's free bytes read now, not the cached reading writes are admitted against.</summary>
    public long FreeBytesNow() => new DriveInfo(_directory).AvailableFreeSpace;

    /// <summary>Admits a write of <paramref name="bytes"/>, or throws <see cref="InsufficientStorageException"/> when it would cross the floor.</summary>
    public void Admit(long bytes)
    {
        if (!IsOn)
        {
            return;
        }

        var free = FreeNow();
        var admitted = Interlocked.Add(ref _admittedSinceReading, bytes);
        if (free - admitted < _floorBytes)
        {
            Interlocked.Add(ref _admittedSinceReading, -bytes);
            throw new InsufficientStorageException(
                $"writing {bytes} bytes would leave less than the {_floorBytes / 1024 / 1024} MiB that must stay free on the upload disk");
        }
    }

    private long FreeNow()
    {
        lock (_reading)
        {
            if (!_hasReading || Stopwatch.GetElapsedTime(_readAt) > ReadingLifetime)
            {
                _freeAtReading = FreeBytesNow();
                _readAt = Stopwatch.GetTimestamp();
                _hasReading = true;

                // The new reading already includes what was written before it.
                Interlocked.Exchange(ref _admittedSinceReading, 0);
            }

            return _freeAtReading;
        }
    }
}
