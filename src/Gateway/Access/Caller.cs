using System.Security.Claims;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// Who is asking, as the authentication schemes described them: the projects a caller (API key, JWT, or the local developer
/// of an open gateway) may use, and the uploads its upload tokens open. One request may carry both kinds.
/// </summary>
public sealed class Caller
{
    /// <summary>The project entry that stands for every project.</summary>
    public const string AllProjects = "*";

    /// <summary>A project the identity may use (or <see cref="AllProjects"/>); set by API keys, JWTs and open mode.</summary>
    public const string ProjectClaim = "uploads:project";

    /// <summary>Present on a caller in its own right (API key, JWT, open mode), whatever its projects; its value is the caller's name.</summary>
    public const string CallerClaim = "uploads:caller";

    /// <summary>An upload (its id, "N" format) an upload token opens.</summary>
    public const string UploadClaim = "uploads:upload";

    private static readonly object ItemKey = new();

    private readonly HashSet<string> _projects;
    private readonly HashSet<Guid> _uploads;

    private Caller(ClaimsPrincipal user)
    {
        _projects = [.. user.FindAll(ProjectClaim).Select(c => c.Value)];
        _uploads = [.. user.FindAll(UploadClaim).Select(c => Guid.TryParse(c.Value, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty)];
        IsCaller = user.HasClaim(c => c.Type == CallerClaim);
        Name = user.FindFirst(CallerClaim)?.Value;
    }

    /// <summary>A caller in its own right (API key, JWT, open mode), not only the holder of upload tokens.</summary>
    public bool IsCaller { get; }

    /// <summary>The caller's name (its <see cref="CallerClaim"/>), whose quota its uploads count against; null for upload tokens alone.</summary>
    public string? Name { get; }

    public bool MaySeeEveryProject => _projects.Contains(AllProjects);

    /// <summary>Whether any project at all is open to this caller (an upload token alone opens none).</summary>
    public bool MayUseSomeProject => _projects.Count > 0;

    /// <summary>The caller of this request, read once from its authenticated user.</summary>
    public static Caller Of(HttpContext http)
    {
        if (http.Items[ItemKey] is not Caller caller)
        {
            http.Items[ItemKey] = caller = new Caller(http.User);
        }

        return caller;
    }

    public bool MayUseProject(string projectId) => MaySeeEveryProject || _projects.Contains(projectId);

    /// <summary>Whether this caller holds a token for <paramref name="uploadId"/> (which opens it whatever its project).</summary>
    public bool HoldsTokenFor(Guid uploadId) => _uploads.Contains(uploadId);

    /// <summary>An upload (or its video) in <paramref name="projectId"/>: allowed by its project, or by its own token.</summary>
    public bool MayUse(Guid uploadId, string? projectId) =>
        HoldsTokenFor(uploadId) || MayUseProject(projectId ?? Grains.Sessions.ProjectIds.Default);
}
