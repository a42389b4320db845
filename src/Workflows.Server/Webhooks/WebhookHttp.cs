using System.Net;
using System.Net.Sockets;

namespace Workflows.Server.Webhooks;

/// <summary>The HTTP client deliveries are posted with: no redirects, no proxy, no cookies, and a connect step that goes only where the address policy allows.</summary>
internal static class WebhookHttp
{
    public static HttpClient CreateClient(WebhookAddressPolicy policy) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),

        // Resolve and check here, at the moment of connecting, and connect to the checked address itself:
        // a DNS answer that changes after the URL was accepted cannot lead the connection inside.
        ConnectCallback = async (context, cancellationToken) =>
        {
            IPAddress[] addresses = await policy.ResolveAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
            SocketException? last = null;
            foreach (IPAddress address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException error)
                {
                    socket.Dispose();
                    last = error;
                }
            }

            throw last!;
        },
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "Workflows-Webhooks/0.1" } },
    };
}
