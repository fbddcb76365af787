using System.Globalization;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// Which draft a request speaks, from its <c>Upload-Draft-Interop-Version</c>: 5 (draft -03, tus-js-client's
/// 'ietf-draft-03', iOS 18.0), 6 (draft -05, 'ietf-draft-05', iOS 18.1 / macOS 15.1) or 8 (draft -11). They share
/// creation, offset retrieval, appending and cancellation; from 6 on, an append's content is
/// <c>application/partial-upload</c>, and from 8 on the server states its limits (Upload-Limit) as a client may rely on.
/// </summary>
public sealed record DraftInterop(int Version)
{
    public static readonly int[] Supported = [5, 6, 8];

    public static string SupportedList => string.Join(", ", Supported);

    /// <summary>Appends name their content <c>application/partial-upload</c> (drafts -05 and later).</summary>
    public bool AppendsArePartialUploads => Version >= 6;

    /// <summary>The version a request names; null when it names none, or one this server does not speak.</summary>
    public static DraftInterop? Of(HttpRequest request)
    {
        var header = request.Headers[IetfProtocol.InteropVersion];
        return header.Count == 1
            && int.TryParse(header.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && Supported.Contains(version)
                ? new DraftInterop(version)
                : null;
    }

    /// <summary>Whether a request names any interop version at all (the protocol it chose, even one we do not speak).</summary>
    public static bool IsNamedBy(HttpRequest request) => request.Headers.ContainsKey(IetfProtocol.InteropVersion);

    public string Header => Version.ToString(CultureInfo.InvariantCulture);
}
