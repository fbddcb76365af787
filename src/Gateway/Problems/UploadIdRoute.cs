using System.Diagnostics.CodeAnalysis;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Problems;

/// <summary>
/// The <c>{uploadId}</c> segment of the seed API's and tus's routes. Upload ids are Guids, so a segment that is not
/// one names no upload: it gets the 404 <c>upload_not_found</c> a session gives for an unknown id, without a grain call.
/// </summary>
public static class UploadIdRoute
{
    public static bool TryParse(string segment, out Guid uploadId, [NotNullWhen(false)] out IResult? notFound)
    {
        notFound = Guid.TryParse(segment, out uploadId)
            ? null
            : new UploadError(UploadErrorCode.UploadNotFound, "no upload has this id").ToProblem();
        return notFound is null;
    }
}
