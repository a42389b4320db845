using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Server.Http;

/// <summary>Problem details for the errors routing answers before any endpoint runs (404, 405, 415), under the server's own paths.</summary>
internal static class StatusProblems
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        HttpContext http = context.HttpContext;
        WorkflowServerOptions options = http.RequestServices.GetRequiredService<IOptions<WorkflowServerOptions>>().Value;
        string where = http.Request.Path.StartsWithSegments(options.ApiPath)
            ? $"the API is described at {options.ApiPath}/openapi/workflows.json"
            : $"the server answers at {options.ApiPath}, {options.DashboardPath}/, /health/live and /health/ready";
        (string code, string detail) = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ("no_such_endpoint", $"There is no endpoint at {http.Request.Path}; {where}."),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}; {where}."),
            StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", $"The body must be JSON, sent with 'Content-Type: application/json'; this request says '{http.Request.ContentType ?? "nothing"}'."),
            int status => ("error", $"The request failed with status {status}."),
        };
        return Problems.WriteAsync(http, http.Response.StatusCode, code, detail);
    }
}
