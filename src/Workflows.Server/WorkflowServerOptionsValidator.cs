using System.Net;
using Microsoft.Extensions.Options;

namespace Workflows.Server;

/// <summary>Checks the server's settings when the app starts, naming the setting that is wrong and how to fix it.</summary>
internal sealed class WorkflowServerOptionsValidator : IValidateOptions<WorkflowServerOptions>
{
    public const int MinimumKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, WorkflowServerOptions options)
    {
        var failures = new List<string>();
        if (options.ApiKeys.Count == 0 && options.AuthenticationSchemes.Count == 0)
        {
            failures.Add($"{WorkflowServerOptions.Section}:ApiKeys is empty: the API needs at least one key (Name and Key) for its callers to send as 'Authorization: Bearer <key>', or an app authentication scheme in AuthenticationSchemes.");
        }

        foreach (string scheme in options.AuthenticationSchemes.Where(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{WorkflowServerOptions.Section}:AuthenticationSchemes has an empty name '{scheme}'; name a scheme the app adds (such as 'Bearer').");
        }

        foreach (string role in options.Roles.Keys.Where(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{WorkflowServerOptions.Section}:Roles has an empty role name '{role}'.");
        }

        for (int i = 0; i < options.ApiKeys.Count; i++)
        {
            ApiKey key = options.ApiKeys[i];
            string where = $"{WorkflowServerOptions.Section}:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                failures.Add($"{where}:Name is empty: name each key (who holds it), for logs and rate limits.");
            }

            if ((key.Key?.Length ?? 0) < MinimumKeyLength)
            {
                failures.Add($"{where}:Key ('{key.Name}') is {key.Key?.Length ?? 0} characters; use at least {MinimumKeyLength} random ones (openssl rand -base64 32).");
            }
        }

        foreach (IGrouping<string, ApiKey> same in options.ApiKeys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"{WorkflowServerOptions.Section}:ApiKeys has {same.Count()} keys named '{same.Key}'; names must be unique.");
        }

        foreach (string origin in options.Cors.Origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                failures.Add($"{WorkflowServerOptions.Section}:Cors:Origins has '{origin}'; an origin is scheme, host and port only, like https://ops.example.com.");
            }
        }

        if (options.RateLimit.PermitsPerSecond < 1 || options.RateLimit.Burst < 1 || options.RateLimit.AnonymousPermitsPerMinute < 1)
        {
            failures.Add($"{WorkflowServerOptions.Section}:RateLimit values must be at least 1.");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add($"{WorkflowServerOptions.Section}:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}; allow at least 1024 bytes.");
        }

        foreach ((string path, string setting) in new[] { (options.ApiPath, "ApiPath"), (options.DashboardPath, "DashboardPath") })
        {
            if (!path.StartsWith('/') || path.EndsWith('/'))
            {
                failures.Add($"{WorkflowServerOptions.Section}:{setting} is '{path}'; it must start with '/' and not end with one, like /api.");
            }
        }

        foreach ((string? path, string setting) in new[] { (options.SignInPath, "SignInPath"), (options.SignOutPath, "SignOutPath") })
        {
            // A path on this app, or the identity provider's https address; never a script or another scheme.
            if (path is not null && !(path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal))
                && !(Uri.TryCreate(path, UriKind.Absolute, out Uri? address) && address.Scheme == Uri.UriSchemeHttps))
            {
                failures.Add($"{WorkflowServerOptions.Section}:{setting} is '{path}'; it must be a path on this app, like /account/login, or an https address.");
            }
        }

        if (options.SignInPath is not null && options.AuthenticationSchemes.Count == 0)
        {
            failures.Add($"{WorkflowServerOptions.Section}:SignInPath is set, but AuthenticationSchemes names no scheme people sign in with: add the app's cookie scheme (\"Cookies\", or the one AddCookie names).");
        }

        foreach (string network in options.Webhooks.AllowedNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                failures.Add($"{WorkflowServerOptions.Section}:Webhooks:AllowedNetworks has '{network}', which is not a network in CIDR notation (10.0.0.0/8, 127.0.0.1/32).");
            }
        }

        if (options.Webhooks.MaxAttempts < 1 || options.Webhooks.RetryBaseDelay <= TimeSpan.Zero || options.Webhooks.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{WorkflowServerOptions.Section}:Webhooks needs MaxAttempts of at least 1 and positive RetryBaseDelay and Timeout.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
