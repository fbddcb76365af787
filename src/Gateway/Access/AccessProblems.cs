using Orleans.Uploads.Gateway.Problems;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>The refusals of access control a route answers itself (401s come from <see cref="CallerAuthenticationHandler"/>).</summary>
public static class AccessProblems
{
    /// <summary>A known caller naming a project it lacks. Only for projects the caller named itself; an upload it may not see is a 404.</summary>
    public static IResult ProjectForbidden(string projectId) =>
        Problem.Create(StatusCodes.Status403Forbidden, "project_forbidden", $"this credential is not allowed to use project '{projectId}'");

    public static IResult OriginForbidden(string origin) =>
        Problem.Create(StatusCodes.Status403Forbidden, "origin_forbidden", $"'{origin}' is not an allowed origin (Gateway:AllowedOrigins)");
}
