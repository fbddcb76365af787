using System.Security.Cryptography;
using System.Text;

namespace Orleans.Uploads.Hosting.GrainStorage;

/// <summary>
/// Grain state as the standalone server stored it before <see cref="SqliteGrainStorage"/>: one file per grain under
/// <c>{state directory}/{state name}/</c>, named by its grain id ('/' as '+', a sha256 when too long), the 16-byte ETag
/// first and the serialized state after it. Nothing writes these any more; they are read until the grain's next write
/// moves its state into the database, then deleted, so an upgrade keeps every session and video it had.
/// </summary>
public sealed class GrainStateFiles(string directory)
{
    private const int EtagLength = 16;

    /// <summary>Whether any state file is left; when none is, the storage skips looking for them.</summary>
    public bool AnyLeft() =>
        Directory.Exists(directory) && Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Any();

    /// <summary>The grain's stored ETag and state bytes, or null when it has no file.</summary>
    public async Task<(string ETag, byte[] Payload)?> ReadAsync(string stateName, GrainId grainId)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(PathFor(stateName, grainId)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return (Convert.ToHexString(content, 0, EtagLength), content[EtagLength..]);
    }

    /// <summary>The grain's stored ETag, or null when it has no file.</summary>
    public string? ReadETag(string stateName, GrainId grainId)
    {
        try
        {
            using var file = new FileStream(PathFor(stateName, grainId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var etag = new byte[EtagLength];
            file.ReadExactly(etag);
            return Convert.ToHexString(etag);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Deletes the grain's file if it has one; throws when it has one that cannot be deleted.</summary>
    public void Delete(string stateName, GrainId grainId) => File.Delete(PathFor(stateName, grainId));

    /// <summary>The grain ids with a file under <paramref name="stateName"/> (hashed names cannot be read back).</summary>
    public IEnumerable<GrainId> GrainIds(string stateName)
    {
        var folder = Path.Combine(directory, stateName);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (GrainId.TryParse(Path.GetFileNameWithoutExtension(file).Replace('+', '/'), out var grainId))
            {
                yield return grainId;
            }
        }
    }

    private string PathFor(string stateName, GrainId grainId)
    {
        var key = grainId.ToString();
        var name = key.Length <= 150 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')
            ? key.Replace('/', '+')
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(directory, stateName, name + ".json");
    }
}
