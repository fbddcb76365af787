using Orleans.Uploads.Gateway.Uploads;

namespace Orleans.Uploads.Gateway.Problems;

/// <summary>The 400 <c>invalid_project_id</c> the seed API, tus, the form post and the video listing answer alike.</summary>
public static class ProjectIdProblem
{
    /// <summary>
    /// Null when <paramref name="projectId"/> is absent (it is optional) or valid; otherwise the problem, naming
    /// <paramref name="field"/> as the client spelled it.
    /// </summary>
    public static IResult? Check(string? projectId, string field = "projectId") =>
        projectId is null || RequestRules.IsValidProjectId(projectId)
            ? null
            : Problem.BadRequest("invalid_project_id", $"{field} must be 1-{RequestRules.MaxProjectIdLength} letters, digits, '-', '_' or '.'");
}
