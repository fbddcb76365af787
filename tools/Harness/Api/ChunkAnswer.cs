using System.Net;

namespace Orleans.Uploads.Harness;

/// <summary>
/// Whatever a chunk PUT got back, for callers that expect refusals too (races, crashes, retries): the receipt on 200,
/// otherwise the problem (when the body was one), and which gateway answered.
/// </summary>
public sealed record ChunkAnswer(string Gateway, int ChunkNumber, HttpStatusCode Status, string Body, ChunkReply? Receipt, ProblemReply? Problem)
{
    public bool IsOk => Status == HttpStatusCode.OK;

    public string? Code => Problem?.Code;

    public override string ToString() => $"{(int)Status} from {Gateway} for chunk {ChunkNumber}: {Body}";
}
