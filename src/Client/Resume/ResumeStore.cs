// Why this file exists: a second run over the same file must find the upload the first run started. This small JSON
// file remembers unfinished uploads by file identity; finished ones are forgotten, and entries older than the upload
// token's lifetime (or beyond the newest MaxEntries) are pruned on every write.
// Hazard: several processes may push at once, so every read-modify-write holds a named mutex (per store path); a
// process killed while holding it leaves it abandoned, which the next one simply takes over.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orleans.Uploads.Client.Resume;

/// <summary>Unfinished uploads by file identity, kept in one JSON file.</summary>
public sealed class ResumeStore(string path, TimeSpan lifetime, TimeProvider? clock = null)
{
    public const int MaxEntries = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Path => path;

    /// <summary>The entry for this file on this server and project, if one is remembered and still fresh.</summary>
    public ResumeEntry? Find(FileIdentity file, string server, string? projectId) =>
        Locked(entries => entries.FirstOrDefault(e => e.File == file && e.Server == server && e.ProjectId == projectId), write: false);

    public void Save(ResumeEntry entry) => Locked(entries =>
    {
        entries.RemoveAll(e => e.UploadId == entry.UploadId || (e.File == entry.File && e.Server == entry.Server && e.ProjectId == entry.ProjectId));
        entries.Add(entry);
        return 0;
    }, write: true);

    /// <summary>Drops the entry of a finished, cancelled or vanished upload.</summary>
    public void Forget(Guid uploadId) => Locked(entries => entries.RemoveAll(e => e.UploadId == uploadId), write: true);

    /// <summary>Every entry still fresh (after pruning).</summary>
    public IReadOnlyList<ResumeEntry> Entries() => Locked(entries => entries.ToArray(), write: false);

    private T Locked<T>(Func<List<ResumeEntry>, T> action, bool write)
    {
        using var mutex = new Mutex(false, MutexName());
        try
        {
            mutex.WaitOne();
        }
        catch (AbandonedMutexException)
        {
            // Its last holder died; the file is whole (written by rename), so carry on.
        }

        try
        {
            var entries = Read();
            var before = entries.Count;
            Prune(entries);
            var result = action(entries);
            if (write || entries.Count != before)
            {
                Write(entries);
            }

            return result;
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    }

    private void Prune(List<ResumeEntry> entries)
    {
        var oldest = _clock.GetUtcNow() - lifetime;
        entries.RemoveAll(e => e.SavedAt < oldest);
        if (entries.Count > MaxEntries)
        {
            entries.Sort((a, b) => b.SavedAt.CompareTo(a.SavedAt));
            entries.RemoveRange(MaxEntries, entries.Count - MaxEntries);
        }
    }

    private List<ResumeEntry> Read()
    {
        try
        {
            using var file = File.OpenRead(path);
            return JsonSerializer.Deserialize<List<ResumeEntry>>(file, Json) ?? [];
        }
        catch (FileNotFoundException)
        {
            return [];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        catch (JsonException)
        {
            // A damaged store only costs the ability to resume: start a new one.
            return [];
        }
    }

    private void Write(List<ResumeEntry> entries)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(file, entries, Json);
        }

        File.Move(temp, path, overwrite: true);
    }

    private string MutexName() =>
        "orleans-uploads-resume-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(System.IO.Path.GetFullPath(path))))[..16];
}
