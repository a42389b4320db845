using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Server.Http;

/// <summary>
/// Errors as RFC 9457 problem details (<c>application/problem+json</c>), each with a stable
/// machine-readable <c>code</c> beside the human <c>detail</c> and the request's <c>traceId</c>.
/// </summary>
internal static class Problems
{
    public static IResult Result(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = code, ["traceId"] = Activity.Current?.Id };
        if (extensions is not null)
        {
            foreach ((string key, object? value) in extensions)
            {
                all[key] = value;
            }
        }

        return TypedResults.Problem(detail: detail, statusCode: status, extensions: all);
    }

    /// <summary>Writes a problem outside an endpoint (authentication, rate limiting).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Detail = detail };
        problem.Extensions["code"] = code;
        problem.Extensions["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier;
        IProblemDetailsService problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false);
    }
}

/// <summary>Ends a request with a problem: thrown by endpoint code, answered by <see cref="ProblemFilter"/>.</summary>
internal sealed class ApiProblemException : Exception
{
    public ApiProblemException(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
        : base(detail)
    {
        Status = status;
        Code = code;
        Extensions = extensions;
    }

    public int Status { get; }

    public string Code { get; }

    public IDictionary<string, object?>? Extensions { get; }

    public IResult ToResult() => Problems.Result(Status, Code, Message, Extensions);
}
