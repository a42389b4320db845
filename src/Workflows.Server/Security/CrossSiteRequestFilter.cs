using Microsoft.AspNetCore.Http;
using Workflows.Server.Http;

namespace Workflows.Server.Security;

/// <summary>
/// Guards people signed in with a cookie against cross-site requests: a request that changes something
/// and carries no <c>Authorization</c> header (so its caller came in through a cookie) must carry the
/// <see cref="Header"/> header, which the dashboard sends and which another site's page cannot send
/// without a CORS preflight the server refuses. Keys and bearer tokens are sent deliberately, never
/// by the browser on its own, so they need nothing more.
/// </summary>
internal sealed class CrossSiteRequestFilter : IEndpointFilter
{
    /// <summary>The header a cookie-authenticated change must carry (any value).</summary>
    public const string Header = "X-Workflows-Csrf";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpRequest request = context.HttpContext.Request;
        bool changes = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        if (changes && string.IsNullOrEmpty(request.Headers.Authorization) && string.IsNullOrEmpty(request.Headers[Header]))
        {
            throw new ApiProblemException(
                StatusCodes.Status403Forbidden,
                "cross_site_request",
                $"A change made with a sign-in cookie must carry the '{Header}' header (the dashboard sends it), so that another site cannot make it in your name; send an API key or a bearer token instead, or add the header.");
        }

        return next(context);
    }
}
