using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Orleans.Uploads.Grains.Scanning.ClamAv;

/// <summary>
/// The one clamd command the scanner needs, INSTREAM over TCP, written here because no maintained .NET clamd client is
/// served by this project's package source (nClam, the usual one, is not). The protocol: <c>zINSTREAM\0</c>, then the
/// file as chunks each prefixed by its length (4 bytes, big-endian), then a zero length; clamd answers one
/// NUL-terminated line: <c>stream: OK</c>, <c>stream: NAME FOUND</c> or <c>... ERROR</c>.
/// The file is streamed in <see cref="ChunkSize"/> pieces from a pooled buffer, never held whole.
/// </summary>
public sealed class ClamdClient(string host, int port)
{
    private const int ChunkSize = 64 * 1024;
    private const int MaxReplyLength = 4096;
    private static readonly byte[] InStreamCommand = "zINSTREAM\0"u8.ToArray();

    public async Task<ScanVerdict> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(host, port, cancellationToken);
        var connection = client.GetStream();
        await connection.WriteAsync(InStreamCommand, cancellationToken);
        try
        {
            await SendChunksAsync(content, connection, cancellationToken);
        }
        catch (IOException)
        {
            // clamd closes the connection mid-stream when it refuses more (its StreamMaxLength): its reply says why.
        }

        return ParseReply(await ReadReplyAsync(connection, cancellationToken));
    }

    private static async Task SendChunksAsync(Stream content, NetworkStream connection, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4 + ChunkSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(4, ChunkSize), cancellationToken)) > 0)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)read);
                await connection.WriteAsync(buffer.AsMemory(0, 4 + read), cancellationToken);
            }

            BinaryPrimitives.WriteUInt32BigEndian(buffer, 0);
            await connection.WriteAsync(buffer.AsMemory(0, 4), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string> ReadReplyAsync(NetworkStream connection, CancellationToken cancellationToken)
    {
        var reply = new MemoryStream();
        var buffer = new byte[512];
        int read;
        while (reply.Length < MaxReplyLength && (read = await connection.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var end = Array.IndexOf(buffer, (byte)0, 0, read);
            reply.Write(buffer, 0, end < 0 ? read : end);
            if (end >= 0)
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length).Trim();
    }

    /// <summary>The verdict in clamd's reply; a reply that is neither is a failure to retry, a size refusal one not to.</summary>
    public static ScanVerdict ParseReply(string reply)
    {
        if (reply == "stream: OK")
        {
            return ScanVerdict.Clean;
        }

        if (reply.StartsWith("stream: ", StringComparison.Ordinal) && reply.EndsWith(" FOUND", StringComparison.Ordinal))
        {
            return ScanVerdict.InfectedWith(reply["stream: ".Length..^" FOUND".Length]);
        }

        var tooLong = reply.Contains("size limit exceeded", StringComparison.OrdinalIgnoreCase);
        throw new ScanFailedException(reply.Length == 0 ? "clamd closed the connection without a verdict" : $"clamd answered '{reply}'", permanent: tooLong);
    }
}
