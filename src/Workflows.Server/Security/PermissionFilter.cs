using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workflows.Server.Http;

namespace Workflows.Server.Security;

/// <summary>The permission an endpoint needs, and the action it is named by in a refusal; <see langword="null"/>: any caller the API lets in.</summary>
internal sealed record RequiredPermission(WorkflowPermission? Permission, string Action);

/// <summary>Declares an endpoint's permission.</summary>
internal static class RequiredPermissionExtensions
{
    public static TBuilder Requires<TBuilder>(this TBuilder builder, WorkflowPermission? permission, string action)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredPermission(permission, action));
}

/// <summary>
/// Enforces each endpoint's permission: a caller without it gets a 403 problem saying who they are,
/// what they may not do, which permission it takes and where to grant it. An endpoint that declares
/// none refuses everyone, so a new endpoint cannot be left open by mistake.
/// </summary>
internal sealed class PermissionFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        RequiredPermission required = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RequiredPermission>()
            ?? throw new ApiProblemException(StatusCodes.Status403Forbidden, "forbidden", "This endpoint declares no permission, so it answers nobody.");
        if (required.Permission is { } permission)
        {
            CallerIdentity caller = CallerIdentity.Of(context.HttpContext);
            if (!caller.Permissions.Contains(permission))
            {
                string name = Permissions.Name(permission);
                string grant = caller.IsKey
                    ? $"list it in the key's Permissions ({WorkflowServerOptions.Section}:ApiKeys)"
                    : $"grant it to one of the user's roles ({WorkflowServerOptions.Section}:Roles)";
                throw new ApiProblemException(
                    StatusCodes.Status403Forbidden,
                    "forbidden",
                    $"{caller.Described} may not {required.Action}: that takes the '{name}' permission; {grant}.",
                    new Dictionary<string, object?> { ["permission"] = name });
            }
        }

        return next(context);
    }
}
