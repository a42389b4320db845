using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Workflows.Server.Dashboard;

/// <summary>
/// Serves the dashboard: a static page and its scripts, embedded in this assembly. The page holds no
/// data and needs no key to load; everything it shows comes from the API, with the key the person
/// signs in with. Strict security headers: only this server's scripts run, nothing may frame it.
/// </summary>
internal static class DashboardEndpoints
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public static void Map(IEndpointRouteBuilder endpoints, WorkflowServerOptions options)
    {
        var assets = new DashboardAssets(options);
        string root = options.DashboardPath;

        // Routing sends "/dashboard/" here too: serve the page there, and redirect only the address without the slash
        // so that the page's relative script addresses resolve under the dashboard.
        endpoints.MapGet(root, (HttpContext context) => context.Request.Path.Value!.EndsWith('/')
                ? Serve(assets, "index.html", context)
                : Results.Redirect(context.Request.PathBase + root + "/"))
            .AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        endpoints.MapGet(root + "/{**file}", (string? file, HttpContext context) => Serve(assets, string.IsNullOrEmpty(file) ? "index.html" : file, context))
            .AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
    }

    private static IResult Serve(DashboardAssets assets, string file, HttpContext context)
    {
        if (assets.Find(file) is not { } asset)
        {
            return Results.NotFound();
        }

        IHeaderDictionary headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = asset.Immutable ? "public, max-age=86400" : "no-cache";
        headers.ETag = asset.ETag;
        headers.Vary = HeaderNames.AcceptEncoding;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (asset.Compressed is { } compressed && AcceptsGzip(context.Request))
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(compressed, asset.ContentType);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.Headers.AcceptEncoding.Any(value => value?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true);
}
