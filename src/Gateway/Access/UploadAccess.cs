using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Gateway.Uploads;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// Whether a caller may use an upload: by its upload token, or by the upload's project. An upload's project never
/// changes once a client can know its id, so the gateway keeps it (for ten minutes after its last use) instead of asking
/// the session on every request. An unknown id is not kept: it is asked about each time.
/// A caller refused here gets exactly the answer an unknown id gets, so ids cannot be probed.
/// </summary>
public sealed class UploadAccess(IGrainFactory grains) : IDisposable
{
    private readonly UploadFactCache<string> _projects = new();

    /// <summary>The 404 of an upload the caller may not see: the same as for an id no upload has.</summary>
    public static IResult UploadNotFound() => SessionErrors.NotFound().ToProblem();

    public void Remember(Guid uploadId, string projectId) => _projects.Remember(uploadId, projectId);

    /// <summary>
    /// Whether <paramref name="caller"/> may use <paramref name="uploadId"/>. A caller allowed every project needs no
    /// look-up (an unknown id is then the session's own 404); false also means the upload does not exist.
    /// </summary>
    public async ValueTask<bool> AllowsAsync(Caller caller, Guid uploadId)
    {
        if (caller.HoldsTokenFor(uploadId) || caller.MaySeeEveryProject)
        {
            return true;
        }

        return caller.IsCaller && await ProjectOfAsync(uploadId) is { } project && caller.MayUseProject(project);
    }

    private async ValueTask<string?> ProjectOfAsync(Guid uploadId)
    {
        if (_projects.TryGet(uploadId, out var known))
        {
            return known;
        }

        var status = await grains.GetGrain<IUploadSessionGrain>(uploadId).GetAsync();
        if (status.Value is not { } snapshot)
        {
            return null;
        }

        var project = ProjectIds.OrDefault(snapshot.ProjectId);
        Remember(uploadId, project);
        return project;
    }

    public void Dispose() => _projects.Dispose();
}
