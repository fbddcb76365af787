using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Gateway.Tus;
using Orleans.Uploads.Gateway.Videos;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// Upload creation: a POST (to <c>/files/</c>, or to <c>/api/videos</c> with a raw body) whose content is the file's
/// first bytes, or all of them. The session starts before any byte is read, and a <c>104 Upload Resumption
/// Supported</c> hands its Location out at once, so a client whose request breaks can resume it. The file's name comes
/// from tus-style Upload-Metadata (as tus-js-client sends it), Content-Disposition's filename, or the content's media
/// type; its project from Upload-Metadata or <c>?projectId=</c>, under the same access rules as tus creation.
/// </summary>
public static class IetfCreation
{
    public static async Task<IResult> CreateAsync(
        HttpContext http, string? projectId, IGrainFactory grains, IOptions<UploadOptions> options, BodyBuffers buffers, UploadAccess access, UploadTokens tokens)
    {
        var request = http.Request;
        if (UploadCompleteHeader.Parse(request, out var completeError) is not { } complete)
        {
            return Problem.BadRequest("invalid_upload_complete", completeError!);
        }

        if (!IetfHeaders.TryParseLength(request, out var length))
        {
            return Problem.BadRequest("invalid_upload_length", "Upload-Length must be a non-negative integer");
        }

        if (!TusMetadata.TryParse(request.Headers[TusProtocol.UploadMetadata], out var metadata, out var metadataError))
        {
            return Problem.BadRequest("invalid_metadata", metadataError!);
        }

        var requestedProject = TusMetadata.Value(metadata, "projectId", "project_id") ?? projectId;
        if (ProjectIdProblem.Check(requestedProject) is { } invalidProject)
        {
            return invalidProject;
        }

        var caller = Caller.Of(http);
        var project = ProjectIds.OrDefault(requestedProject);
        if (!caller.MayUseProject(project))
        {
            return AccessProblems.ProjectForbidden(project);
        }

        // Known before the first byte when the content is the whole file and says how long it is.
        var fileSize = length ?? (complete ? request.ContentLength : null);
        var uploadId = Guid.NewGuid();
        var created = await grains.GetGrain<IUploadSessionGrain>(uploadId).InitiateAsync(new InitiateUpload(
            FilenameOf(request, metadata, options.Value), fileSize, project, options.Value.ChunkSize,
            MetadataJson: metadata.Count > 0 ? metadata.ToJsonString() : null, Mode: UploadMode.Append, CallerId: caller.Name, Protocol: UploadProtocol.Ietf));
        if (created.Value is not { } snapshot)
        {
            return IetfProblems.From(created.Error!);
        }

        access.Remember(uploadId, project);
        var resource = new KeyValuePair<string, string>[]
        {
            new(HeaderNames.Location, IetfProtocol.UploadPath(uploadId)),
            new(AccessSchemes.UploadTokenResponseHeader, tokens.Issue(uploadId, project)),
            new(IetfProtocol.UploadLimit, UploadLimitHeader.Format(options.Value.MaxFileSize, snapshot.ExpiresAt, IetfResponses.Now(http))),
            new(IetfProtocol.InteropVersion, DraftInterop.Of(request)!.Header),
        };
        foreach (var (name, value) in resource)
        {
            http.Response.Headers[name] = value;
        }

        await InterimResponses.TrySendAsync(http, IetfProtocol.UploadResumptionSupported, IetfProtocol.UploadResumptionSupportedReason, resource);

        var receipt = await IetfBodies.ReceiveAsync(http, grains, uploadId, 0, complete, length, options.Value.ChunkSize, buffers, [resource[0], resource[3]]);
        if (receipt.Problem is { } problem)
        {
            return problem;
        }

        var stored = receipt.Progress!;
        IetfResponses.SetState(http, stored.DurableOffset, stored.Status, fileSize ?? (receipt.Video?.Size), stored.ExpiresAt, options.Value.MaxFileSize);
        return receipt.Video is { } video
            ? TypedResults.Json(VideoResponse.From(video), statusCode: StatusCodes.Status201Created)
            : TypedResults.StatusCode(StatusCodes.Status201Created);
    }

    private static string FilenameOf(HttpRequest request, System.Text.Json.Nodes.JsonObject metadata, UploadOptions options)
    {
        if (TusMetadata.Value(metadata, "filename", "name") is { } named)
        {
            return named;
        }

        if (ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var disposition)
            && HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value is { Length: > 0 } attached)
        {
            return attached;
        }

        // Only a name's extension matters to the session: a media type it accepts makes one (video/mp4 is upload.mp4).
        var type = TusMetadata.Value(metadata, "filetype", "type") ?? request.ContentType;
        return type is not null && TusEndpoints.AllowedExtensionFor(MediaTypeOf(type), options) is { } extension ? "upload" + extension : "";
    }

    private static string MediaTypeOf(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value ?? contentType : contentType;
}
