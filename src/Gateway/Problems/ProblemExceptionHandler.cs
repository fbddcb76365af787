using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;

namespace Orleans.Uploads.Gateway.Problems;

/// <summary>Turns the exceptions a request can meet into problem+json: a client's bad request, an unreachable cluster, or (never expected) a bug.</summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var http = httpContext;
        if (http.RequestAborted.IsCancellationRequested)
        {
            // The client is gone; nobody reads an answer.
            return true;
        }

        if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout })
        {
            // The rest of a timed-out body is not worth draining: close the connection after the answer.
            http.Response.Headers.Connection = "close";
        }

        var problem = exception switch
        {
            BadHttpRequestException bad => Problem.Create(
                bad.StatusCode,
                bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "request_too_large",
                    StatusCodes.Status408RequestTimeout => "request_timeout",
                    _ => "bad_request",
                },
                bad.Message),
            TimeoutException or OrleansException or SiloUnavailableException => Unavailable(http),
            Access.IdentityProviderUnavailableException unreachable => IdentityProviderUnavailable(http, unreachable),
            _ => null,
        };
        if (problem is null)
        {
            LogUnhandled(exception, http.Request.Method, http.Request.Path);
            problem = Problem.Create(StatusCodes.Status500InternalServerError, "internal_error", "an unexpected error occurred; it has been logged");
        }

        await problem.ExecuteAsync(http);
        return true;
    }

    private IResult Unavailable(HttpContext http)
    {
        LogClusterUnavailable(http.Request.Method, http.Request.Path);
        http.Response.Headers.RetryAfter = "2";
        return Problem.Create(StatusCodes.Status503ServiceUnavailable, "cluster_unavailable", "the upload cluster did not answer; retry shortly");
    }

    private IResult IdentityProviderUnavailable(HttpContext http, Exception exception)
    {
        LogIdentityProviderUnavailable(exception.InnerException?.Message ?? exception.Message);
        http.Response.Headers.RetryAfter = "5";
        return Problem.Create(StatusCodes.Status503ServiceUnavailable, "identity_provider_unavailable", "JWTs cannot be checked right now; retry shortly");
    }

    [LoggerMessage(LogLevel.Warning, "JWT not checked: {Reason}")]
    private partial void LogIdentityProviderUnavailable(string reason);

    [LoggerMessage(LogLevel.Error, "Unhandled error in {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);

    [LoggerMessage(LogLevel.Warning, "Cluster unavailable during {Method} {Path}")]
    private partial void LogClusterUnavailable(string method, string path);
}
