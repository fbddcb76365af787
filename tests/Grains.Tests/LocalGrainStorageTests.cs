using Orleans.Storage;
using Orleans.Uploads.Harness;
using Orleans.Uploads.Hosting.GrainStorage;

namespace Orleans.Uploads.Grains.Tests;

/// <summary>
/// The standalone server's grain storage (<see cref="SqliteGrainStorage"/>): state survives a new instance over the same
/// directory, a stale ETag is refused without disturbing the writes committed beside it, and state files left by the
/// earlier file-per-grain storage are read and moved into the table at their grain's next write.
/// </summary>
public sealed class LocalGrainStorageTests : IDisposable
{
    private readonly TempDirectory _directory = new("grain-storage");
    private readonly GrainId _grain = GrainId.Create("session", Guid.NewGuid().ToString("N"));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_written_state_reads_back_from_a_new_instance_with_its_etag()
    {
        var written = new GrainState<Note>(new Note("first", 1));
        using (var storage = NewStorage())
        {
            await storage.WriteStateAsync("session", _grain, written);
        }

        using var reopened = NewStorage();
        var read = await ReadAsync(reopened, _grain);

        Assert.True(read.RecordExists);
        Assert.Equal(new Note("first", 1), read.State);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_and_the_stored_state_stays()
    {
        using var storage = NewStorage();
        var state = new GrainState<Note>(new Note("first", 1));
        await storage.WriteStateAsync("session", _grain, state);
        var stale = new GrainState<Note>(new Note("stale", 2)) { ETag = "00" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("session", _grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("session", _grain, new GrainState<Note>(new Note("new", 3))));

        Assert.Equal(new Note("first", 1), (await ReadAsync(storage, _grain)).State);
    }

    [Fact]
    public async Task Writes_arriving_together_all_commit_except_the_stale_one()
    {
        using var storage = NewStorage();
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("session", $"g{i}")).ToArray();
        await storage.WriteStateAsync("session", grains[0], new GrainState<Note>(new Note("zero", 0)));

        var writes = grains.Select((grain, i) => storage.WriteStateAsync("session", grain, new GrainState<Note>(new Note("n", i)))).ToArray();
        var outcome = await Task.WhenAll(writes.Select(async write =>
        {
            try
            {
                await write;
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.False(outcome[0]); // grains[0] had state: a write without its ETag is stale
        Assert.All(outcome.Skip(1), Assert.True);
        Assert.Equal(new Note("zero", 0), (await ReadAsync(storage, grains[0])).State);
        for (var i = 1; i < grains.Length; i++)
        {
            Assert.Equal(new Note("n", i), (await ReadAsync(storage, grains[i])).State);
        }
    }

    [Fact]
    public async Task A_cleared_state_is_gone_and_can_be_written_again_from_nothing()
    {
        using var storage = NewStorage();
        var state = new GrainState<Note>(new Note("first", 1));
        await storage.WriteStateAsync("session", _grain, state);

        await storage.ClearStateAsync("session", _grain, state);

        Assert.False(state.RecordExists);
        Assert.False((await ReadAsync(storage, _grain)).RecordExists);
        await storage.WriteStateAsync("session", _grain, new GrainState<Note>(new Note("again", 2)));
        Assert.Equal(new Note("again", 2), (await ReadAsync(storage, _grain)).State);
    }

    [Fact]
    public async Task A_state_file_from_the_file_storage_is_read_then_moved_into_the_table_at_the_next_write()
    {
        var file = WriteLegacyFile(_grain, "0123456789ABCDEF0123456789ABCDEF", new Note("old", 7));
        using (var storage = NewStorage())
        {
            var read = await ReadAsync(storage, _grain);
            Assert.Equal(new Note("old", 7), read.State);
            Assert.Equal("0123456789ABCDEF0123456789ABCDEF", read.ETag);
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("session", _grain, new GrainState<Note>(new Note("blind", 0))));

            read.State = new Note("moved", 8);
            await storage.WriteStateAsync("session", _grain, read);
            Assert.False(File.Exists(file));
        }

        using var reopened = NewStorage();
        Assert.Equal(new Note("moved", 8), (await ReadAsync(reopened, _grain)).State);
    }

    [Fact]
    public async Task Clearing_a_grain_whose_state_is_still_in_a_file_removes_the_file_so_nothing_comes_back()
    {
        var file = WriteLegacyFile(_grain, "0123456789ABCDEF0123456789ABCDEF", new Note("old", 7));
        using (var storage = NewStorage())
        {
            var read = await ReadAsync(storage, _grain);
            await storage.ClearStateAsync("session", _grain, read);
            Assert.False(File.Exists(file));
        }

        using var reopened = NewStorage();
        Assert.False((await ReadAsync(reopened, _grain)).RecordExists);
    }

    [Fact]
    public async Task The_grain_list_names_each_grain_once_whether_in_the_table_or_a_left_file()
    {
        var inFile = GrainId.Create("session", "in-file");
        var inTable = GrainId.Create("session", "in-table");
        WriteLegacyFile(inFile, "0123456789ABCDEF0123456789ABCDEF", new Note("old", 1));
        using var storage = NewStorage();
        await storage.WriteStateAsync("session", inTable, new GrainState<Note>(new Note("new", 2)));
        await storage.WriteStateAsync("video", GrainId.Create("video", "other"), new GrainState<Note>(new Note("video", 3)));

        var listed = new List<GrainId>();
        await foreach (var grain in storage.GrainIdsAsync("session"))
        {
            listed.Add(grain);
        }

        Assert.Equal(new[] { inFile, inTable }.OrderBy(id => id.ToString()), listed.OrderBy(id => id.ToString()));
    }

    private SqliteGrainStorage NewStorage() => new(_directory.Path, new JsonStateSerializer());

    private static async Task<GrainState<Note>> ReadAsync(SqliteGrainStorage storage, GrainId grain)
    {
        var state = new GrainState<Note>();
        await storage.ReadStateAsync("session", grain, state);
        return state;
    }

    /// <summary>A state file as the file-per-grain storage wrote it: the ETag's 16 bytes, then the serialized state.</summary>
    private string WriteLegacyFile(GrainId grain, string etag, Note note)
    {
        var path = _directory.Combine("session", grain.ToString().Replace('/', '+') + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [.. Convert.FromHexString(etag), .. new JsonStateSerializer().Serialize(note).ToArray()]);
        return path;
    }

    private sealed record Note(string Text, int Count);

    /// <summary>The storage keeps the serializer's bytes as they are; plain System.Text.Json stands in for Orleans'.</summary>
    private sealed class JsonStateSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);

        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }
}
