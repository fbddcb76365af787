using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;

namespace Orleans.Uploads.Hosting.GrainStorage;

/// <summary>
/// Grain state as one file per grain on local disk, for the standalone server (no database to set up).
/// Each write goes to a new file that is flushed and then renamed over the old one, so a crash leaves
/// either the old state or the new, never a torn one. The file starts with the 16-byte ETag.
/// </summary>
public sealed class LocalFileGrainStorage(string directory, IGrainStorageSerializer serializer) : IGrainStorage
{
    private const int EtagLength = 16;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        var content = await File.ReadAllBytesAsync(path).ConfigureAwait(false);
        grainState.ETag = Convert.ToHexString(content, 0, EtagLength);
        grainState.State = serializer.Deserialize<T>(new BinaryData(content.AsMemory(EtagLength)))!;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        var payload = serializer.Serialize(grainState.State);
        await CheckEtagAsync(path, grainState.ETag).ConfigureAwait(false);
        var etag = RandomNumberGenerator.GetBytes(EtagLength);
        var staging = $"{path}.{Convert.ToHexString(etag)}.tmp";
        await using (var file = new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await file.WriteAsync(etag).ConfigureAwait(false);
            await file.WriteAsync(payload.ToMemory()).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(staging, path, overwrite: true);
        grainState.ETag = Convert.ToHexString(etag);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        await CheckEtagAsync(path, grainState.ETag).ConfigureAwait(false);
        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static async Task CheckEtagAsync(string path, string? expected)
    {
        string? current = null;
        if (File.Exists(path))
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var etag = new byte[EtagLength];
            await file.ReadExactlyAsync(etag).ConfigureAwait(false);
            current = Convert.ToHexString(etag);
        }

        if (current != expected)
        {
            throw new InconsistentStateException($"Stored ETag {current ?? "(none)"} does not match {expected ?? "(none)"}.", current, expected);
        }
    }

    private string PathFor(string stateName, GrainId grainId)
    {
        var key = grainId.ToString();
        var name = key.Length <= 150 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')
            ? key.Replace('/', '+')
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var folder = Path.Combine(directory, stateName);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".json");
    }
}
