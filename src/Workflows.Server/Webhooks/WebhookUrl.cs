using System.Net;

namespace Workflows.Server.Webhooks;

/// <summary>Checks a subscription's URL before it is stored: absolute https (http only inside allow-listed networks), no credentials, a host that may be called.</summary>
internal static class WebhookUrl
{
    public const int MaxLength = 2000;

    /// <exception cref="WebhookRefusedException">The URL is malformed or may not be called; the message says why.</exception>
    public static async Task<Uri> CheckAsync(string? text, WebhookAddressPolicy policy, CancellationToken cancellationToken)
    {
        // "/path" parses as an absolute file: URI on Unix; a webhook URL names its scheme.
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || !text.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(text, UriKind.Absolute, out Uri? url))
        {
            throw new WebhookRefusedException($"'url' must be an absolute http(s) URL of at most {MaxLength} characters.");
        }

        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            throw new WebhookRefusedException($"'url' must use https (or http inside an allow-listed network), not '{url.Scheme}'.");
        }

        if (url.UserInfo.Length > 0)
        {
            throw new WebhookRefusedException("'url' must not carry credentials; deliveries are authenticated by their signature.");
        }

        if (url.Fragment.Length > 0)
        {
            throw new WebhookRefusedException("'url' must not have a fragment (#...): it is never sent to the receiver.");
        }

        IPAddress[] addresses = await policy.ResolveAsync(url.IdnHost, cancellationToken).ConfigureAwait(false);
        if (url.Scheme == Uri.UriSchemeHttp && !policy.IsAllowListed(addresses))
        {
            throw new WebhookRefusedException("'url' must use https: plain http is accepted only for hosts in an allow-listed network (Workflows:Server:Webhooks:AllowedNetworks).");
        }

        return url;
    }
}
