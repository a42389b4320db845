using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Workflows.Server.Api;

/// <summary><c>/me</c>: who the API key says the caller is (the dashboard shows it and signs answers with it).</summary>
internal static class CallerEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/me", Me)
            .WithTags("Caller")
            .WithName("GetCaller")
            .WithSummary("The name of the API key the request was made with, and whether it may operate runs.")
            .Produces<Caller>();

    private static JsonHttpResult<Caller> Me(ClaimsPrincipal user) =>
        TypedResults.Json(new Caller(user.Identity?.Name ?? string.Empty) { CanOperate = Security.Operators.Allowed(user) }, ServerJson.Default.Caller);
}
