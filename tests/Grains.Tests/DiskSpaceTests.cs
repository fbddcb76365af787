using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>
/// The file-system store and disk space: temp files take blocks only as bytes arrive, a write that would cross the
/// free-space floor is refused whole, and the health probe leaves nothing behind on a full disk.
/// </summary>
public sealed class DiskSpaceTests : IDisposable
{
    private readonly TempDirectory _root = new("disk-space-tests");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Initiating_a_large_upload_takes_no_disk_until_its_bytes_arrive()
    {
        var store = Store(_root.Path, floorMegabytes: 0);
        var uploadId = Guid.NewGuid();

        await store.CreateAsync(uploadId, 256L * 1024 * 1024);
        await store.WriteAsync(uploadId, 1024 * 1024, new byte[4096]);

        var file = Path.Combine(_root.Path, "temp", uploadId.ToString("N") + ".part");
        Assert.Equal(256L * 1024 * 1024, new FileInfo(file).Length);
        var allocated = await AllocatedBytesAsync(file);
        Assert.True(allocated < 1024 * 1024, $"a 256 MiB temp file with 4 KiB written holds {allocated} bytes of disk");
    }

    [Fact]
    public async Task A_write_that_would_cross_the_free_space_floor_is_refused_before_any_byte_lands()
    {
        // The floor sits 1 GiB above what is free now: other processes on this disk would have to free that much
        // in between for the write to pass.
        var free = new DriveInfo(_root.Path).AvailableFreeSpace / 1024 / 1024;
        var store = Store(_root.Path, floorMegabytes: free + 1024);
        var uploadId = Guid.NewGuid();
        await Store(_root.Path, floorMegabytes: 0).CreateAsync(uploadId, 8192);

        var refused = await Assert.ThrowsAsync<InsufficientStorageException>(() => store.WriteAsync(uploadId, 0, Enumerable.Repeat((byte)7, 8192).ToArray()));

        Assert.Contains("must stay free", refused.Message, StringComparison.Ordinal);
        Assert.All(await File.ReadAllBytesAsync(Path.Combine(_root.Path, "temp", uploadId.ToString("N") + ".part")), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task The_storage_probe_leaves_no_file_behind_when_the_disk_is_full()
    {
        // A private 256 KiB tmpfs (CI runs as root), filled to the last byte: the probe's file can be created, its
        // byte cannot be written.
        var disk = _root.Combine("full");
        Directory.CreateDirectory(disk);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk);
        try
        {
            var store = Store(disk, floorMegabytes: 0);
            await FillAsync(Path.Combine(disk, "filler"));

            await Assert.ThrowsAnyAsync<IOException>(() => store.ProbeAsync());

            Assert.Empty(Directory.EnumerateFiles(disk, ".probe-*", SearchOption.AllDirectories));
        }
        finally
        {
            await RunAsync("umount", disk);
        }
    }

    private static FileSystemStore Store(string root, long floorMegabytes) => new(Options.Create(new UploadOptions
    {
        TempDirectory = Path.Combine(root, "temp"),
        FinalDirectory = Path.Combine(root, "final"),
        MinFreeDiskMegabytes = floorMegabytes,
    }));

    private static async Task FillAsync(string path)
    {
        await using var filler = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                await filler.WriteAsync(block);
            }
        }
        catch (IOException)
        {
            // Full: what the test needs.
        }
    }

    private static async Task<long> AllocatedBytesAsync(string path)
    {
        var fields = (await RunAsync("stat", "--format=%b %B", path)).Split(' ', StringSplitOptions.TrimEntries);
        return long.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed: {error}");
        return output;
    }
}
