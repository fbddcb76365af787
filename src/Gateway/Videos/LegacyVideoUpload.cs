using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Videos;

/// <summary>
/// <c>POST /api/videos</c>, the seed's legacy multipart upload, kept backward compatible. The file part is streamed
/// into an upload session in chunk-size pieces (append mode, length declared at the end), so a large file takes
/// the same path, and the same memory, as a chunked upload.
/// </summary>
public static class LegacyVideoUpload
{
    private const int MaxFieldLength = 1024;

    public static async Task<IResult> HandleAsync(HttpContext http, IGrainFactory grains, IOptions<UploadOptions> options, BodyBuffers buffers)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Problem.Create(StatusCodes.Status415UnsupportedMediaType, "multipart_required", "send the video as multipart/form-data with a 'file' part");
        }

        var upload = new LegacyUploadState(grains, Caller.Of(http), options.Value.ChunkSize, buffers);
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition.IsFileDisposition() && name == "file")
                {
                    var filename = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                    if (await upload.ReceiveFileAsync(filename, section.Body, http.RequestAborted) is { } fileProblem)
                    {
                        return fileProblem;
                    }
                }
                else if (disposition.IsFormDisposition() && name is "project_id" or "projectId")
                {
                    if (await upload.ReceiveProjectAsync(await ReadFieldAsync(section.Body, http.RequestAborted)) is { } projectProblem)
                    {
                        return projectProblem;
                    }
                }
            }

            return await upload.FinishAsync();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException or InvalidDataException)
        {
            // A form post cannot be resumed: release what the broken request started.
            await upload.AbandonAsync();
            if (http.RequestAborted.IsCancellationRequested || ex is BadHttpRequestException)
            {
                throw;
            }

            // The client is still there, so the body itself was malformed (e.g. it ended before its closing boundary).
            return Problem.BadRequest("invalid_multipart", "the multipart body is malformed: " + ex.Message);
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[MaxFieldLength + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
        return new string(buffer, 0, read);
    }

    /// <summary>
    /// One form post's way through an upload session; problems come back as results, failures cancel the session. The
    /// caller must be allowed the project: checked as soon as the form names it, or, when it names none, before the
    /// upload completes (in the project <c>default</c>), so a refused post never becomes a video.
    /// </summary>
    private sealed class LegacyUploadState(IGrainFactory grains, Caller caller, int chunkSize, BodyBuffers buffers)
    {
        private IUploadSessionGrain? _session;
        private string? _projectId;
        private long _received;

        public async Task<IResult?> ReceiveProjectAsync(string projectId)
        {
            if (ProjectIdProblem.Check(projectId, "project_id") is { } invalidProject)
            {
                return await RejectAsync(invalidProject);
            }

            if (!caller.MayUseProject(projectId))
            {
                return await RejectAsync(AccessProblems.ProjectForbidden(projectId));
            }

            _projectId = projectId;
            if (_session is not null && (await _session.AssignProjectAsync(projectId)).Error is { } error)
            {
                return await RejectAsync(error.ToProblem());
            }

            return null;
        }

        public async Task<IResult?> ReceiveFileAsync(string filename, Stream content, CancellationToken cancellationToken)
        {
            if (_session is not null)
            {
                return await RejectAsync(Problem.BadRequest("too_many_files", "send one 'file' part per request"));
            }

            if (_projectId is null && !caller.MayUseSomeProject)
            {
                // No project field that may still follow could make this post acceptable: refuse before taking the file.
                return AccessProblems.ProjectForbidden(ProjectIds.Default);
            }

            var session = _session = grains.GetGrain<IUploadSessionGrain>(Guid.NewGuid());
            var started = await session.InitiateAsync(new InitiateUpload(filename, FileSize: null, _projectId, chunkSize, Mode: UploadMode.Append, CallerId: caller.Name, Protocol: UploadProtocol.Legacy));
            if (started.Error is { } refused)
            {
                _session = null;
                return refused.ToProblem();
            }

            var outcome = await AppendBodyStreamer.StreamAsync(
                grains.GetGrain<IAppendUploadGrain>(session.GetPrimaryKey()), new AppendRequest(0, BodyLength: null, chunkSize), content, buffers, cancellationToken);
            if (outcome.Error is { } stopped)
            {
                return await RejectAsync(stopped.ToProblem());
            }

            _received = outcome.Progress!.DurableOffset;
            return null;
        }

        public async Task<IResult> FinishAsync()
        {
            if (_session is null)
            {
                return Problem.BadRequest("file_required", "the form has no 'file' part");
            }

            if (_received == 0)
            {
                return await RejectAsync(Problem.BadRequest("empty_file", "the uploaded file is empty"));
            }

            if (_projectId is null && !caller.MayUseProject(ProjectIds.Default))
            {
                return await RejectAsync(AccessProblems.ProjectForbidden(ProjectIds.Default));
            }

            var declared = await grains.GetGrain<IAppendUploadGrain>(_session.GetPrimaryKey()).DeclareLengthAsync(_received);
            if (declared.Error is { } error)
            {
                return await RejectAsync(error.ToProblem());
            }

            var completed = await grains.GetGrain<IUploadCompletionGrain>(_session.GetPrimaryKey()).CompleteAsync();
            return completed.Value is { } video
                ? TypedResults.Created($"/api/videos/{video.Id}", VideoResponse.From(video))
                : completed.Error!.ToProblem();
        }

        public async Task AbandonAsync()
        {
            if (_session is not null)
            {
                await _session.CancelAsync();
            }
        }

        private async Task<IResult> RejectAsync(IResult problem)
        {
            await AbandonAsync();
            return problem;
        }
    }
}
