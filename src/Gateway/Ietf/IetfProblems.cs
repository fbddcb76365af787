using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// Refusals as the draft words them: its registered problem types (mismatching offset, completed upload, inconsistent
/// length) with the status it prescribes, each still carrying our stable <c>code</c>; every other refusal is the seed
/// API's problem. An upload that is no longer active (cancelled, expired) is 404 Not Found, as the draft says for
/// offset retrieval and appending; its code tells which.
/// </summary>
public static class IetfProblems
{
    public static IResult OffsetMismatch(long expected, long provided) => Typed(
        StatusCodes.Status409Conflict, "offset_mismatch", IetfProtocol.MismatchingOffsetType,
        $"Upload-Offset {provided} does not match the upload's offset {expected}",
        new("expected-offset", expected), new("provided-offset", provided), new("uploadOffset", expected));

    public static IResult CompletedUpload(string detail) =>
        Typed(StatusCodes.Status400BadRequest, "upload_completed", IetfProtocol.CompletedUploadType, detail);

    public static IResult InconsistentLength(string detail) =>
        Typed(StatusCodes.Status400BadRequest, "length_mismatch", IetfProtocol.InconsistentLengthType, detail);

    public static IResult UnsupportedVersion() => Problem.BadRequest(
        "unsupported_interop_version", $"this server speaks {IetfProtocol.InteropVersion} {DraftInterop.SupportedList}, and tus 1.0 without it");

    /// <summary>A session's refusal; <paramref name="provided"/> is the request's Upload-Offset, for an offset mismatch.</summary>
    public static IResult From(UploadError error, long? provided = null) => error.Code switch
    {
        UploadErrorCode.OffsetMismatch when error.CurrentOffset is { } expected && provided is { } offset => OffsetMismatch(expected, offset),
        UploadErrorCode.UploadCompleted => CompletedUpload(error.Detail),
        UploadErrorCode.LengthMismatch or UploadErrorCode.LengthConflict => InconsistentLength(error.Detail),
        UploadErrorCode.UploadCancelled or UploadErrorCode.UploadExpired => Problem.Create(StatusCodes.Status404NotFound, UploadErrorProblems.Describe(error.Code).Code, error.Detail),
        UploadErrorCode.WrongUploadMode => Problem.Create(StatusCodes.Status403Forbidden, "wrong_upload_mode", error.Detail),
        _ => error.ToProblem(),
    };

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Typed(int status, string code, string type, string detail, params KeyValuePair<string, object?>[] extensions)
    {
        var all = new Dictionary<string, object?> { ["code"] = code };
        foreach (var (key, value) in extensions)
        {
            all[key] = value;
        }

        return TypedResults.Problem(detail, statusCode: status, title: Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), type: type, extensions: all);
    }
}
