using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Server.Http;

/// <summary>Problem details for the errors routing answers before any endpoint runs: 404, 405, 415.</summary>
internal static class StatusProblems
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        HttpContext http = context.HttpContext;
        string api = http.RequestServices.GetRequiredService<IOptions<WorkflowServerOptions>>().Value.ApiPath;
        string document = $"{api}/openapi/workflows.json";
        (string code, string detail) = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ("no_such_endpoint", $"There is no endpoint at {http.Request.Path}; the API is described at {document}."),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}; the API is described at {document}."),
            StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", $"The body must be JSON, sent with 'Content-Type: application/json'; this request says '{http.Request.ContentType ?? "nothing"}'."),
            int status => ("error", $"The request failed with status {status}."),
        };
        return Problems.WriteAsync(http, http.Response.StatusCode, code, detail);
    }
}
