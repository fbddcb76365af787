using System.Net;

namespace Orleans.Uploads.Harness;

/// <summary>
/// An answer other than the one a typed call expects: its status and body, and the end of the server's output when
/// the client knows the server process, so a failed test or benchmark run says what the server said.
/// </summary>
public sealed class UnexpectedResponseException : Exception
{
    public UnexpectedResponseException(string message, HttpStatusCode status, string body)
        : base(message)
    {
        Status = status;
        Body = body;
    }

    public UnexpectedResponseException()
    {
    }

    public UnexpectedResponseException(string message)
        : base(message)
    {
    }

    public UnexpectedResponseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode Status { get; }

    public string Body { get; } = "";
}
