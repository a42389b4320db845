using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary><c>/me</c>: who the caller is — a key or a person — and what they may do (the dashboard shows it and hides what they may not).</summary>
internal static class CallerEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/me", Me)
            .Requires(null, "see who they are")
            .WithTags("Caller")
            .WithName("GetCaller")
            .WithSummary("Who the caller is (an API key or a user, with roles) and the permissions they have.")
            .Produces<Caller>();

    private static JsonHttpResult<Caller> Me(HttpContext context)
    {
        CallerIdentity caller = CallerIdentity.Of(context);
        return TypedResults.Json(
            new Caller(caller.Name)
            {
                CanOperate = caller.Permissions.Contains(WorkflowPermission.Operate),
                Kind = caller.IsKey ? "key" : "user",
                Id = caller.Id,
                Roles = caller.Roles,
                Permissions = [.. Security.Permissions.All.Where(caller.Permissions.Contains).Select(Security.Permissions.Name)],
            },
            ServerJson.Default.Caller);
    }
}
