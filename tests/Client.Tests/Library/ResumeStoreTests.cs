// Why this file exists: the resume store finds an upload by file identity only, forgets finished uploads, and prunes
// entries older than their lifetime and beyond its size cap, so it never grows without bound.

using Microsoft.Extensions.Time.Testing;
using Orleans.Uploads.Client.Resume;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Client.Tests.Library;

public sealed class ResumeStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new("uploads-resume");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void An_entry_is_found_only_for_the_same_file_server_and_project()
    {
        var store = NewStore();
        var file = Identity("a.mp4");
        store.Save(Entry(file));

        Assert.NotNull(store.Find(file, "http://server/", "p"));
        Assert.Null(store.Find(file with { Size = 2 }, "http://server/", "p"));
        Assert.Null(store.Find(file with { LastWriteUtc = file.LastWriteUtc.AddSeconds(1) }, "http://server/", "p"));
        Assert.Null(store.Find(file with { HeadSha256 = "other" }, "http://server/", "p"));
        Assert.Null(store.Find(file, "http://other/", "p"));
        Assert.Null(store.Find(file, "http://server/", "q"));
    }

    [Fact]
    public void Entries_older_than_their_lifetime_are_pruned_and_forgotten_ones_are_gone()
    {
        var store = NewStore();
        var old = Entry(Identity("old.mp4"));
        store.Save(old);
        _clock.Advance(TimeSpan.FromHours(20));
        var fresh = Entry(Identity("fresh.mp4"));
        store.Save(fresh);
        var finished = Entry(Identity("finished.mp4"));
        store.Save(finished);
        store.Forget(finished.UploadId);

        _clock.Advance(TimeSpan.FromHours(5));

        Assert.Equal([fresh.UploadId], store.Entries().Select(e => e.UploadId));
        Assert.DoesNotContain(old.UploadId.ToString(), File.ReadAllText(store.Path), StringComparison.Ordinal);
    }

    [Fact]
    public void The_store_keeps_only_the_newest_entries_beyond_its_cap()
    {
        var store = NewStore();
        var first = Entry(Identity("0.mp4"));
        store.Save(first);
        for (var i = 1; i <= ResumeStore.MaxEntries; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            store.Save(Entry(Identity($"{i}.mp4")));
        }

        var entries = store.Entries();
        Assert.Equal(ResumeStore.MaxEntries, entries.Count);
        Assert.DoesNotContain(entries, e => e.UploadId == first.UploadId);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_store_file_is_readable_by_its_owner_only()
    {
        var store = NewStore();
        store.Save(Entry(Identity("a.mp4")));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
    }

    public void Dispose() => _directory.Dispose();

    private ResumeStore NewStore() => new(_directory.Combine("resume.json"), TimeSpan.FromHours(24), _clock);

    private ResumeEntry Entry(FileIdentity file) =>
        new(file, "http://server/", "p", Guid.NewGuid(), "token", 65536, new string('a', 64), _clock.GetUtcNow());

    private static FileIdentity Identity(string name) => new("/videos/" + name, 1, new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), "head");
}
