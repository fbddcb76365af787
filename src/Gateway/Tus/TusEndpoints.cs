using System.Globalization;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Gateway.Limits;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Gateway.Telemetry;
using Orleans.Uploads.Gateway.Uploads;
using Orleans.Uploads.Gateway.Videos;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Tus;

/// <summary>
/// tus 1.0.0 at <c>/files/</c> on the same upload-session grains as the seed API. The session grain is the
/// cluster-wide lock: any gateway serves any upload, and a new PATCH or HEAD supersedes a stuck one.
/// </summary>
public static class TusEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new()
    {
        // Missing from the framework's table, but one of the seed's video types.
        Mappings = { [".mkv"] = "video/x-matroska" },
    };

    public static IEndpointRouteBuilder MapTusEndpoints(this IEndpointRouteBuilder routes)
    {
        var files = routes.MapGroup("/files").AddEndpointFilter(RequireTusResumable);
        // OPTIONS describes the server, nothing of anyone's: clients ask it before they hold credentials.
        files.MapMethods("/", [HttpMethods.Options], Options).AllowAnonymous();
        files.MapMethods("/{uploadId}", [HttpMethods.Options], Options).AllowAnonymous();
        files.MapPost("/", CreateAsync).LimitAsNewUpload().LimitAsUploadBody();
        files.MapMethods("/{uploadId}", [HttpMethods.Head], HeadAsync).RequireUploadAccess();
        files.MapPatch("/{uploadId}", PatchAsync).RequireUploadAccess().LimitAsUploadBody().RecordsChunkLatency(UploadProtocol.Tus);
        files.MapDelete("/{uploadId}", TerminateAsync).RequireUploadAccess();
        files.MapGet("/{uploadId}", DownloadAsync).AcceptAccessTokenInQuery();
        return routes;
    }

    /// <summary>Every response carries Tus-Resumable; every protocol request must name version 1.0.0 (412 otherwise).</summary>
    private static async ValueTask<object?> RequireTusResumable(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        http.Response.Headers[TusProtocol.Resumable] = TusProtocol.Version;
        var exempt = HttpMethods.IsOptions(http.Request.Method) || HttpMethods.IsGet(http.Request.Method);
        if (!exempt && http.Request.Headers[TusProtocol.Resumable] != TusProtocol.Version)
        {
            http.Response.Headers[TusProtocol.TusVersion] = TusProtocol.Version;
            return Problem.Create(StatusCodes.Status412PreconditionFailed, "unsupported_tus_version", $"this server speaks tus {TusProtocol.Version}; send Tus-Resumable: {TusProtocol.Version}");
        }

        return await next(context);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.NoContent Options(HttpContext http, IOptions<UploadOptions> options)
    {
        var headers = http.Response.Headers;
        headers[TusProtocol.TusVersion] = TusProtocol.Version;
        headers[TusProtocol.TusExtension] = TusProtocol.Extensions;
        headers[TusProtocol.TusMaxSize] = options.Value.MaxFileSize.ToString(CultureInfo.InvariantCulture);
        headers[TusProtocol.TusChecksumAlgorithm] = TusProtocol.ChecksumAlgorithms;
        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, IGrainFactory grains, IOptions<UploadOptions> options, BodyBuffers buffers, UploadAccess access, UploadTokens tokens)
    {
        var request = http.Request;
        if (!TusMetadata.TryParse(request.Headers[TusProtocol.UploadMetadata], out var metadata, out var metadataError))
        {
            return Problem.BadRequest("invalid_metadata", metadataError!);
        }

        var (kind, parts, concatError) = ParseConcat(request.Headers[TusProtocol.UploadConcat]);
        if (concatError is not null)
        {
            return Problem.BadRequest("invalid_upload_concat", concatError);
        }

        var (length, lengthError) = ParseCreationLength(request, kind);
        if (lengthError is not null)
        {
            return lengthError;
        }

        var requestedProject = TusMetadata.Value(metadata, "projectId", "project_id");
        if (ProjectIdProblem.Check(requestedProject) is { } invalidProject)
        {
            return invalidProject;
        }

        var caller = Caller.Of(http);
        var projectId = ProjectIds.OrDefault(requestedProject);
        if (!caller.MayUseProject(projectId))
        {
            return AccessProblems.ProjectForbidden(projectId);
        }

        foreach (var part in parts ?? [])
        {
            // A part the caller may not use is, to it, no upload at all: folding it in would hand over its owner's bytes.
            if (!await access.AllowsAsync(caller, part))
            {
                return ToTusProblem(SessionErrors.CannotConcatenate(part, PartInfo.NotAPartialUpload));
            }
        }

        var filename = TusMetadata.Value(metadata, "filename", "name")
            ?? (TusMetadata.Value(metadata, "filetype", "type") is { } type && AllowedExtensionFor(type, options.Value) is { } extension ? "upload" + extension : "");
        var uploadId = Guid.NewGuid();
        var created = await grains.GetGrain<IUploadSessionGrain>(uploadId).InitiateAsync(new InitiateUpload(
            filename, length, projectId, options.Value.ChunkSize, MetadataJson: metadata.Count > 0 ? metadata.ToJsonString() : null,
            Mode: UploadMode.Append, Kind: kind, Parts: parts, CallerId: caller.Name, Protocol: UploadProtocol.Tus));
        if (created.Value is not { } snapshot)
        {
            return created.Error!.ToProblem();
        }

        access.Remember(uploadId, projectId);
        http.Response.Headers.Location = TusProtocol.UploadPath(uploadId);
        http.Response.Headers[AccessSchemes.UploadTokenResponseHeader] = tokens.Issue(uploadId, projectId);
        SetExpires(http, snapshot);
        if (request.ContentType == TusProtocol.OffsetOctetStream && request.ContentLength is not 0)
        {
            // creation-with-upload: the body is the upload's first bytes.
            var (stored, problem) = await ReceiveAsync(http, grains.GetGrain<IAppendUploadGrain>(uploadId), new AppendRequest(0, request.ContentLength, options.Value.ChunkSize), buffers);
            if (problem is not null)
            {
                return problem;
            }

            SetOffsetAndExpires(http, stored!);
        }

        return TypedResults.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> HeadAsync(string uploadId, HttpContext http, IGrainFactory grains)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        // A client asking where it stands is about to resume: whatever request held the upload is stale.
        var result = await grains.GetGrain<IAppendUploadGrain>(id).ResumeAsync();
        if (result.Value is not { } snapshot)
        {
            return result.Error!.ToProblem();
        }

        if (Gone(snapshot) is { } gone)
        {
            return gone;
        }

        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers[TusProtocol.UploadOffset] = snapshot.UploadedBytes.ToString(CultureInfo.InvariantCulture);
        if (snapshot.TotalSize is { } total)
        {
            headers[TusProtocol.UploadLength] = total.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            headers[TusProtocol.UploadDeferLength] = "1";
        }

        if (TusMetadata.Encode(snapshot.MetadataJson) is { } metadata)
        {
            headers[TusProtocol.UploadMetadata] = metadata;
        }

        if (ConcatHeader(snapshot) is { } concat)
        {
            headers[TusProtocol.UploadConcat] = concat;
        }

        SetExpires(http, snapshot);
        return TypedResults.Ok();
    }

    private static async Task<IResult> PatchAsync(string uploadId, HttpContext http, IGrainFactory grains, IOptions<UploadOptions> options, BodyBuffers buffers)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        var request = http.Request;
        if (request.ContentType != TusProtocol.OffsetOctetStream)
        {
            return Problem.Create(StatusCodes.Status415UnsupportedMediaType, "offset_octet_stream_required", $"PATCH bodies must be {TusProtocol.OffsetOctetStream}");
        }

        if (!long.TryParse(request.Headers[TusProtocol.UploadOffset], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return Problem.BadRequest("invalid_upload_offset", "Upload-Offset must be a non-negative integer");
        }

        long? declaredLength = null;
        if (request.Headers.ContainsKey(TusProtocol.UploadLength))
        {
            // creation-defer-length: the length arrives with a PATCH, and is set before any of its bytes.
            if (!long.TryParse(request.Headers[TusProtocol.UploadLength], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return Problem.BadRequest("invalid_upload_length", "Upload-Length must be a non-negative integer");
            }

            declaredLength = length;
        }

        var append = new AppendRequest(offset, request.ContentLength, options.Value.ChunkSize, declaredLength);
        var (stored, problem) = await ReceiveAsync(http, grains.GetGrain<IAppendUploadGrain>(id), append, buffers);
        if (problem is not null)
        {
            return problem;
        }

        SetOffsetAndExpires(http, stored!);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> TerminateAsync(string uploadId, IGrainFactory grains)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        var result = await grains.GetGrain<IUploadSessionGrain>(id).TerminateAsync();
        return result.Error switch
        {
            null => TypedResults.NoContent(),

            // Terminated, expired and failed uploads are gone for tus clients.
            { Code: UploadErrorCode.UploadFailed } failed => Problem.Create(StatusCodes.Status410Gone, "upload_failed", failed.Detail),
            { } error => ToTusProblem(error),
        };
    }

    private static async Task<IResult> DownloadAsync(string uploadId, HttpContext http, IGrainFactory grains, IVideoStore store)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        return await VideoEndpoints.StreamAsync(id, http, grains, store);
    }

    /// <summary>Streams the request body into the session, verifying Upload-Checksum when sent.</summary>
    private static async Task<(AppendProgress? Stored, IResult? Problem)> ReceiveAsync(HttpContext http, IAppendUploadGrain session, AppendRequest append, BodyBuffers buffers)
    {
        TusChecksum? checksum = null;
        if (http.Request.Headers[TusProtocol.UploadChecksum].ToString() is { Length: > 0 } checksumHeader
            && !TusChecksum.TryParse(checksumHeader, out checksum, out var checksumCode, out var checksumError))
        {
            return (null, Problem.BadRequest(checksumCode!, checksumError!));
        }

        using var _ = checksum;
        var outcome = await AppendBodyStreamer.StreamAsync(session, append with { Digest = checksum }, http.Request.Body, buffers, http.RequestAborted);
        if (outcome.Error is { } error)
        {
            return (null, ToTusProblem(error));
        }

        return outcome.DigestMatched is false
            ? (null, Problem.Create(TusProtocol.ChecksumMismatchStatus, "checksum_mismatch", "the body does not match Upload-Checksum; its bytes were discarded"))
            : (outcome.Progress, null);
    }

    /// <summary>A client that sent only a media type gets the allowed extension for it (video/mp4 is .mp4, not .m4v).</summary>
    internal static string? AllowedExtensionFor(string contentType, UploadOptions options) =>
        options.EffectiveExtensions.FirstOrDefault(extension =>
            ContentTypes.TryGetContentType("upload" + extension, out var type) && string.Equals(type, contentType, StringComparison.OrdinalIgnoreCase));

    private static (UploadKind Kind, Guid[]? Parts, string? Error) ParseConcat(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return (UploadKind.Whole, null, null);
        }

        if (header == "partial")
        {
            return (UploadKind.Partial, null, null);
        }

        if (!header.StartsWith("final;", StringComparison.Ordinal))
        {
            return (UploadKind.Whole, null, "Upload-Concat must be 'partial' or 'final;<upload URLs>'");
        }

        var parts = new List<Guid>();
        foreach (var url in header["final;".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TusProtocol.TryParseUploadUrl(url, out var part))
            {
                return (UploadKind.Whole, null, $"'{url}' is not an upload URL of this server");
            }

            parts.Add(part);
        }

        return (UploadKind.Final, [.. parts], null);
    }

    private static (long? Length, IResult? Problem) ParseCreationLength(HttpRequest request, UploadKind kind)
    {
        var hasLength = request.Headers.ContainsKey(TusProtocol.UploadLength);
        var deferred = request.Headers.ContainsKey(TusProtocol.UploadDeferLength);
        if (kind == UploadKind.Final)
        {
            return hasLength
                ? (null, Problem.BadRequest("invalid_upload_length", "a final upload's length is the sum of its parts; send no Upload-Length"))
                : (null, null);
        }

        if (hasLength == deferred)
        {
            return (null, Problem.BadRequest("invalid_upload_length", "send either Upload-Length or Upload-Defer-Length: 1"));
        }

        if (deferred)
        {
            return request.Headers[TusProtocol.UploadDeferLength] == "1"
                ? (null, null)
                : (null, Problem.BadRequest("invalid_upload_length", "Upload-Defer-Length must be 1"));
        }

        return long.TryParse(request.Headers[TusProtocol.UploadLength], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? (length, null)
            : (null, Problem.BadRequest("invalid_upload_length", "Upload-Length must be a non-negative integer"));
    }

    private static string? ConcatHeader(UploadSnapshot snapshot) => snapshot.Kind switch
    {
        UploadKind.Partial => "partial",
        UploadKind.Final => "final;" + string.Join(' ', snapshot.Parts.Select(TusProtocol.UploadPath)),
        _ => null,
    };

    /// <summary>Terminated, expired and failed uploads are gone for tus clients.</summary>
    private static IResult? Gone(UploadSnapshot snapshot) => snapshot.Status switch
    {
        UploadStatus.Cancelled => ToTusProblem(new UploadError(UploadErrorCode.UploadCancelled, "the upload was terminated")),
        UploadStatus.Expired => ToTusProblem(new UploadError(UploadErrorCode.UploadExpired, "the upload expired")),
        UploadStatus.Failed => Problem.Create(StatusCodes.Status410Gone, "upload_failed", "the upload failed: " + snapshot.FailureReason),
        _ => null,
    };

    /// <summary>Where tus prescribes a status, use it; otherwise the seed API's mapping.</summary>
    private static IResult ToTusProblem(UploadError error) => error.Code switch
    {
        UploadErrorCode.WrongUploadMode => Problem.Create(StatusCodes.Status403Forbidden, "wrong_upload_mode", error.Detail),
        UploadErrorCode.LengthMismatch => Problem.Create(StatusCodes.Status413PayloadTooLarge, "length_mismatch", error.Detail),
        _ => error.ToProblem(),
    };

    private static void SetOffsetAndExpires(HttpContext http, AppendProgress stored)
    {
        http.Response.Headers[TusProtocol.UploadOffset] = stored.DurableOffset.ToString(CultureInfo.InvariantCulture);
        if (stored.Status.AcceptsBytes())
        {
            http.Response.Headers[TusProtocol.UploadExpires] = stored.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        }
    }

    private static void SetExpires(HttpContext http, UploadSnapshot snapshot)
    {
        if (snapshot.Status.AcceptsBytes())
        {
            http.Response.Headers[TusProtocol.UploadExpires] = snapshot.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        }
    }
}
