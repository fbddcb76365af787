using System.Security.Cryptography;
using Orleans.Uploads.Hosting;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// A standalone gateway configured with no upload-token keys makes its own, once, and keeps it next to its grain state
/// (readable by its user only), so tokens it handed out still verify after a restart, as the uploads themselves resume.
/// </summary>
public static class SigningKeyFile
{
    public const string FileName = "upload-token-signing.key";

    public static string LoadOrCreate(string stateDirectory)
    {
        var path = Path.Combine(Path.GetFullPath(stateDirectory), FileName);
        try
        {
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                try
                {
                    using var writer = new StreamWriter(path, options);
                    writer.Write(key);
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Another process sharing this state directory made it first: use that one.
                }
            }

            var stored = File.ReadAllText(path).Trim();
            return stored.Length >= AuthOptionsValidator.MinimumSecretLength
                ? stored
                : throw new StartupFailureException($"{path} does not hold an upload-token signing key; delete it to make a new one (tokens already handed out stop working).");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailureException($"cannot keep the upload-token signing key in {path}: {ex.Message}", ex);
        }
    }
}
