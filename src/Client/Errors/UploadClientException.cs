// Why this file exists: every failure the client reports carries the server's stable problem `code` (or a client-side
// one such as `network`), so callers branch on codes, never on message text.

namespace Orleans.Uploads.Client.Errors;

/// <summary>
/// Base of the client's failures: <see cref="Code"/> is the server's problem code (<c>file_too_large</c>,
/// <c>invalid_credentials</c>, ...) or the client's own (<c>network</c>, <c>timeout</c>); <see cref="Status"/> the HTTP status
/// when there was an answer.
/// </summary>
public abstract class UploadClientException(string code, int? status, string detail, Exception? inner = null)
    : Exception($"{code}: {detail}", inner)
{
    public string Code { get; } = code;

    public int? Status { get; } = status;

    public string Detail { get; } = detail;
}

/// <summary>The server refused the request for what it asks (type, size, state, project rules): retrying will not help.</summary>
public sealed class UploadRefusedException(string code, int status, string detail)
    : UploadClientException(code, status, detail);

/// <summary>401/403: the credential is missing, unknown, expired, or lacks the project.</summary>
public sealed class UploadCredentialsException(string code, int status, string detail)
    : UploadClientException(code, status, detail);

/// <summary>The server could not be reached or stayed unavailable (network, timeouts, 429/5xx after every retry).</summary>
public sealed class UploadUnavailableException(string code, int? status, string detail, Exception? inner = null)
    : UploadClientException(code, status, detail, inner);
