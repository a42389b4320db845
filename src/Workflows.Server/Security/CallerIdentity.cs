using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Server.Security;

/// <summary>
/// Who a request is from — an API key (a machine) or a user of one of the app's authentication schemes
/// (a person: an id, a display name, roles from claims) — and what they may do.
/// </summary>
internal sealed record CallerIdentity(bool IsKey, string Id, string Name, IReadOnlyList<string> Roles, IReadOnlySet<WorkflowPermission> Permissions)
{
    private static readonly object ItemKey = new();

    /// <summary>Who the journal says asked for a control: the key's name, or <c>user:</c> and the user's id.</summary>
    public string Actor => IsKey ? Name : $"user:{Id}";

    /// <summary>The caller in a sentence: <c>API key 'ops'</c>, <c>user 'Ana Lima' (roles: approvers)</c>.</summary>
    public string Described => IsKey ? $"API key '{Name}'" : $"user '{Name}' ({(Roles.Count == 0 ? "no roles" : "roles: " + string.Join(", ", Roles))})";

    /// <summary>The request's caller, worked out once per request.</summary>
    public static CallerIdentity Of(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out object? known) && known is CallerIdentity caller)
        {
            return caller;
        }

        caller = Resolve(context.User, context.RequestServices.GetRequiredService<IOptions<WorkflowServerOptions>>().Value);
        context.Items[ItemKey] = caller;
        return caller;
    }

    private static CallerIdentity Resolve(ClaimsPrincipal user, WorkflowServerOptions options)
    {
        if (user.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName) is { } key)
        {
            HashSet<WorkflowPermission> granted = [.. key.FindAll(Security.Permissions.Claim).Select(c => Enum.Parse<WorkflowPermission>(c.Value))];
            return new CallerIdentity(IsKey: true, key.Name!, key.Name!, [], granted);
        }

        if (user.Identities.FirstOrDefault(i => i.IsAuthenticated) is not { } person)
        {
            return new CallerIdentity(IsKey: false, string.Empty, "anonymous", [], new HashSet<WorkflowPermission>());
        }

        string id = First(person, "sub", ClaimTypes.NameIdentifier, "oid") ?? person.Name ?? "unknown";
        string name = First(person, "name", ClaimTypes.Name, "preferred_username", ClaimTypes.Email, "email") ?? id;
        string[] roles = [.. person.Claims.Where(c => c.Type == person.RoleClaimType || c.Type is ClaimTypes.Role or "role" or "roles").Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        HashSet<WorkflowPermission> permissions = [.. roles.SelectMany(role => options.Roles.TryGetValue(role, out IList<WorkflowPermission>? granted) ? granted : [])];
        return new CallerIdentity(IsKey: false, id, name, roles, permissions);
    }

    private static string? First(ClaimsIdentity identity, params string[] types) =>
        types.Select(type => identity.FindFirst(type)?.Value).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}
