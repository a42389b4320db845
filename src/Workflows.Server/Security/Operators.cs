using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Workflows.Server.Http;

namespace Workflows.Server.Security;

/// <summary>Who may operate runs (cancel, suspend, resume, retry, purge): a key with <see cref="ApiKey.CanOperate"/>.</summary>
internal static class Operators
{
    /// <summary>The claim an API key that may operate carries.</summary>
    public const string Claim = "workflows:operate";

    /// <summary>The caller's name, for the run's journal; a 403 problem when the caller may not operate.</summary>
    public static string Require(HttpContext context, string action)
    {
        string name = context.User.Identity?.Name ?? "unknown";
        return context.User.HasClaim(Claim, "true")
            ? name
            : throw new ApiProblemException(
                StatusCodes.Status403Forbidden,
                "not_an_operator",
                $"API key '{name}' may not {action}: only keys with CanOperate may cancel, suspend, resume, retry or purge runs.");
    }

    /// <summary>Whether the caller may operate runs.</summary>
    public static bool Allowed(ClaimsPrincipal user) => user.HasClaim(Claim, "true");
}
