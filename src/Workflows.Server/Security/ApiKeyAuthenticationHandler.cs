using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Server.Http;

namespace Workflows.Server.Security;

/// <summary>Authenticates <c>Authorization: Bearer &lt;API key&gt;</c>; a challenge is a 401 problem saying what was wrong.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys,
    IOptions<WorkflowServerOptions> server)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "WorkflowsApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        ApiKeyCheck check = keys.Check(Request);
        return Task.FromResult(check.Outcome switch
        {
            ApiKeyOutcome.Missing => AuthenticateResult.NoResult(),
            ApiKeyOutcome.Malformed => AuthenticateResult.Fail("The Authorization header must be 'Bearer <API key>'."),
            ApiKeyOutcome.Unknown => AuthenticateResult.Fail("The API key is not valid."),
            _ => AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(ClaimTypes.Name, check.Name!), .. check.Permissions!.Select(p => new Claim(Permissions.Claim, p.ToString()))],
                    SchemeName)),
                SchemeName)),
        });
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        AuthenticateResult result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        string detail = result.Failure?.Message ?? (server.Value.AuthenticationSchemes.Count == 0
            ? "This endpoint needs an API key: send 'Authorization: Bearer <key>'."
            : "This endpoint needs an API key (send 'Authorization: Bearer <key>') or a signed-in user.");
        Response.Headers.WWWAuthenticate = result.Failure is null
            ? "Bearer realm=\"workflows\""
            : "Bearer realm=\"workflows\", error=\"invalid_token\"";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "unauthorized", detail).ConfigureAwait(false);
    }
}
