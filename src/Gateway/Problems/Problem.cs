using Microsoft.AspNetCore.WebUtilities;

namespace Orleans.Uploads.Gateway.Problems;

/// <summary>RFC 9457 problem details, always with a stable machine-readable <c>code</c>.</summary>
public static class Problem
{
    public const string TypePrefix = "urn:orleans-uploads:problem:";

    public static IResult Create(int status, string code, string detail, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var all = new Dictionary<string, object?> { ["code"] = code };
        foreach (var (key, value) in extensions ?? [])
        {
            all[key] = value;
        }

        // Statuses HTTP does not name (tus's 460) are titled after their code.
        var title = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : code.Replace('_', ' ');
        return TypedResults.Problem(detail, statusCode: status, title: title, type: TypePrefix + code, extensions: all);
    }

    public static IResult BadRequest(string code, string detail) => Create(StatusCodes.Status400BadRequest, code, detail);

    public static IResult NotFound(string code, string detail) => Create(StatusCodes.Status404NotFound, code, detail);
}
