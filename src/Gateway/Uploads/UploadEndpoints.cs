using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Gateway.Limits;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Gateway.Telemetry;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Statistics;

namespace Orleans.Uploads.Gateway.Uploads;

/// <summary>The seed's chunked upload API: the HTTP face of the upload-session grains.</summary>
public static class UploadEndpoints
{
    public const string ChunkHashHeader = "X-Chunk-Hash";
    private const long MaxJsonBodySize = 64 * 1024;

    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder routes)
    {
        var uploads = routes.MapGroup("/api/uploads");
        uploads.MapPost("/initiate", InitiateAsync).LimitAsNewUpload();
        uploads.MapGet("/statistics", GetStatisticsAsync).RequireAuthorization(AccessSchemes.CallersOnly);
        uploads.MapPut("/{uploadId}/chunks/{chunkNumber}", PutChunkAsync).RequireUploadAccess().LimitAsUploadBody().RecordsChunkLatency(UploadProtocol.Seed);
        uploads.MapGet("/{uploadId}", GetAsync).RequireUploadAccess();
        uploads.MapPost("/{uploadId}/complete", CompleteAsync).RequireUploadAccess();
        uploads.MapDelete("/{uploadId}", CancelAsync).RequireUploadAccess();
        uploads.MapGet("/{uploadId}/ws", UploadProgressSocket.HandleAsync).RequireUploadAccess().AcceptAccessTokenInQuery();
        return routes;
    }

    private static async Task<IResult> InitiateAsync(
        HttpContext http, IGrainFactory grains, UploadLayoutCache layouts, UploadAccess access, UploadTokens tokens, IOptions<JsonOptions> json)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxJsonBodySize;
        }

        InitiateUploadRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<InitiateUploadRequest>(http.Request.Body, json.Value.SerializerOptions, http.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Problem.BadRequest("invalid_json", $"the body is not a valid initiate request: {ex.Message}");
        }

        if (request is null)
        {
            return Problem.BadRequest("invalid_json", "the body must be a JSON object");
        }

        if (ProjectIdProblem.Check(request.ProjectId) is { } invalidProject)
        {
            return invalidProject;
        }

        var projectId = ProjectIds.OrDefault(request.ProjectId);
        if (!Caller.Of(http).MayUseProject(projectId))
        {
            return AccessProblems.ProjectForbidden(projectId);
        }

        if (!RequestRules.TryReadMetadata(request.Metadata, out var metadataJson, out var metadataError))
        {
            return Problem.BadRequest("invalid_metadata", metadataError!);
        }

        var uploadId = Guid.NewGuid();
        var result = await grains.GetGrain<IUploadSessionGrain>(uploadId).InitiateAsync(new InitiateUpload(
            request.Filename ?? "", request.FileSize, projectId, request.ChunkSize, request.FileHash, metadataJson, CallerId: Caller.Of(http).Name, Protocol: UploadProtocol.Seed));
        if (result.Value is not { } session)
        {
            return result.Error!.ToProblem();
        }

        layouts.Remember(uploadId, new UploadLayout(session.TotalSize!.Value, session.ChunkSize));
        access.Remember(uploadId, projectId);
        return TypedResults.Created($"/api/uploads/{uploadId}", InitiateUploadResponse.From(session, tokens.Issue(uploadId, projectId)));
    }

    private static async Task<IResult> PutChunkAsync(string uploadId, string chunkNumber, HttpContext http, IGrainFactory grains, UploadLayoutCache layouts, BodyBuffers buffers)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        if (!int.TryParse(chunkNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return Problem.BadRequest("chunk_out_of_range", "the chunk number must be a non-negative integer");
        }

        if (http.Request.ContentLength is not { } length)
        {
            return Problem.Create(StatusCodes.Status411LengthRequired, "content_length_required", "a chunk must declare its Content-Length");
        }

        var hash = http.Request.Headers[ChunkHashHeader].ToString();
        if (hash.Length > 0 && (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit)))
        {
            return Problem.BadRequest("invalid_chunk_hash", $"{ChunkHashHeader} must be a sha256 digest: 64 hexadecimal digits");
        }

        if (await layouts.GetAsync(id) is not { } layout)
        {
            // Unknown, or not a chunked upload: the session says which.
            var status = await grains.GetGrain<IUploadSessionGrain>(id).GetAsync();
            return (status.Error ?? new UploadError(UploadErrorCode.WrongUploadMode, "this upload takes appends at an offset, not numbered chunks")).ToProblem();
        }

        if (!layout.Contains(number))
        {
            return Problem.BadRequest("chunk_out_of_range", $"chunk {number} is outside 0..{layout.TotalChunks - 1}");
        }

        var expected = layout.LengthOf(number);
        if (length > expected)
        {
            return Problem.Create(StatusCodes.Status413PayloadTooLarge, "chunk_too_large", $"chunk {number} must be {expected} bytes; Content-Length is {length}");
        }

        if (length < expected)
        {
            return Problem.BadRequest("chunk_size_mismatch", $"chunk {number} must be {expected} bytes; Content-Length is {length}");
        }

        using var body = await PooledBody.ReadAsync(http.Request.Body, expected, buffers, http.RequestAborted);
        if (body is null)
        {
            return Problem.BadRequest("incomplete_body", $"the body ended before its {expected} declared bytes");
        }

        UploadResult<ChunkReceipt> result;
        try
        {
            result = await grains.GetGrain<IChunkUploadGrain>(id).PutChunkAsync(number, new ChunkPayload(body.Memory), hash.Length > 0 ? hash : null);
        }
        catch (TimeoutException)
        {
            // The grain may still be reading this buffer: never hand it to another request.
            body.Abandon();
            throw;
        }

        return result.Value is { } receipt ? TypedResults.Ok(ChunkResponse.From(receipt)) : result.Error!.ToProblem();
    }

    private static async Task<IResult> GetAsync(string uploadId, IGrainFactory grains)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        var result = await grains.GetGrain<IUploadSessionGrain>(id).GetAsync();
        return result.Value is { } snapshot ? TypedResults.Ok(UploadStatusResponse.From(snapshot)) : result.Error!.ToProblem();
    }

    private static async Task<IResult> CompleteAsync(string uploadId, IGrainFactory grains)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        var result = await grains.GetGrain<IUploadCompletionGrain>(id).CompleteAsync();
        return result.Value is { } video ? TypedResults.Ok(Videos.VideoResponse.From(video)) : result.Error!.ToProblem();
    }

    private static async Task<IResult> CancelAsync(string uploadId, IGrainFactory grains)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        var result = await grains.GetGrain<IUploadSessionGrain>(id).CancelAsync();
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }

    private static async Task<IResult> GetStatisticsAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IUploadStatisticsGrain>(IUploadStatisticsGrain.Key).GetAsync());
}
