namespace Orleans.Uploads.Gateway.Access;

/// <summary>The names of the authentication schemes and the authorization policy access control registers.</summary>
public static class AccessSchemes
{
    /// <summary>The default scheme: every credential a request carries, checked together (see <see cref="CallerAuthenticationHandler"/>).</summary>
    public const string Request = "uploads";

    public const string ApiKey = "api-key";

    public const string Jwt = "jwt";

    public const string UploadToken = "upload-token";

    /// <summary>The policy of routes about the whole service (statistics, detailed health): a caller, not an upload token.</summary>
    public const string CallersOnly = "callers";

    /// <summary>The policy of operators' routes (/metrics, the dashboard): a caller that may see every project (projects ["*"]).</summary>
    public const string Operators = "operators";

    public const string UploadTokenHeader = "X-Upload-Token";

    public const string UploadTokenResponseHeader = "Upload-Token";

    public const string AccessTokenQuery = "access_token";
}
