using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary>
/// <c>/access</c>: the API keys, role grants and authentication schemes the server is configured with,
/// for administrators (the dashboard's Access page). Keys live in configuration, so this reads them and
/// never shows a secret; changing them is a configuration change.
/// </summary>
internal static class AccessEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/access", Access)
            .Requires(WorkflowPermission.Administer, "see who may call the server")
            .WithTags("Caller")
            .WithName("GetAccess")
            .WithSummary("The configured API keys (names and permissions, never the secrets), the permissions granted to each role and the authentication schemes people sign in with.")
            .Produces<AccessInfo>();

    private static JsonHttpResult<AccessInfo> Access(IOptions<WorkflowServerOptions> options)
    {
        WorkflowServerOptions server = options.Value;
        return TypedResults.Json(
            new AccessInfo(
                [.. server.ApiKeys.Select(k => new ApiKeyInfo(k.Name, Names(Permissions.OfKey(k)), GrantedByDefault: k.Permissions.Count == 0))],
                [.. server.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RoleGrant(r.Key, Names(r.Value.Distinct().Order())))],
                [.. server.AuthenticationSchemes]),
            ServerJson.Default.AccessInfo);
    }

    private static string[] Names(IEnumerable<WorkflowPermission> permissions) => [.. permissions.Select(Permissions.Name)];
}
