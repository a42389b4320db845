using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable;

namespace Workflows.Server.Http;

/// <summary>
/// Turns what an endpoint throws into the right problem: the API's own problems as they are, the
/// runtime's exceptions by meaning, anything else as a 500 that carries the exception only in Development.
/// </summary>
internal sealed partial class ProblemFilter(IHostEnvironment environment, ILogger<ProblemFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
            return Results.Empty;
        }
        catch (Exception error) when (!http.Response.HasStarted)
        {
            return Answer(error, http);
        }
    }

    private IResult Answer(Exception error, HttpContext http)
    {
        switch (error)
        {
            case ApiProblemException problem:
                return problem.ToResult();
            case WorkflowRunNotFoundException notFound:
                return Problems.Result(StatusCodes.Status404NotFound, "run_not_found", notFound.Message);
            case TaskNotFoundException notFound:
                return Problems.Result(StatusCodes.Status404NotFound, "task_not_found", notFound.Message);
            case TaskRefusedException refused:
                return Problems.Result(StatusCodes.Status403Forbidden, "task_refused", refused.Message, new Dictionary<string, object?> { ["taskId"] = refused.TaskId });
            case WorkflowVersionMismatchException mismatch:
                return Problems.Result(StatusCodes.Status409Conflict, "version_mismatch", mismatch.Message);
            case BadHttpRequestException bad:
                return Problems.Result(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body_too_large" : "bad_request", bad.Message);
            case WorkflowStoreException store:
                LogStoreFailure(logger, http.Request.Method, http.Request.Path, store);
                return Problems.Result(StatusCodes.Status503ServiceUnavailable, "store_unavailable", "The workflow store failed; the request changed nothing it did not report. Try again later.");
        }

        LogUnexpected(logger, http.Request.Method, http.Request.Path, error);
        return environment.IsDevelopment()
            ? Problems.Result(StatusCodes.Status500InternalServerError, "unexpected", error.Message, new Dictionary<string, object?> { ["exception"] = error.ToString() })
            : Problems.Result(StatusCodes.Status500InternalServerError, "unexpected", "An unexpected error occurred; it was logged with this response's traceId.");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Method} {Path}: the workflow store failed")]
    private static partial void LogStoreFailure(ILogger logger, string method, string path, Exception error);
}
