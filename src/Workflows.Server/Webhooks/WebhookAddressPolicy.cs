using System.Net;
using System.Net.Sockets;

namespace Workflows.Server.Webhooks;

/// <summary>
/// Keeps webhooks from reaching inside the network (SSRF): a host is resolved and refused if any of
/// its addresses is loopback, private, link-local, a cloud metadata endpoint or otherwise not public,
/// unless it lies in an allow-listed network. Deliveries connect only to the addresses checked here,
/// so a DNS answer that changes between the check and the connection cannot slip past it.
/// </summary>
internal sealed class WebhookAddressPolicy
{
    private static readonly (IPNetwork Network, string Kind)[] Reserved =
    [
        (IPNetwork.Parse("169.254.169.254/32"), "cloud metadata"),
        (IPNetwork.Parse("fd00:ec2::254/128"), "cloud metadata"),
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (carrier-grade NAT)"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),

        // IPv6: the IANA IPv6 Special-Purpose Address Registry, every block not globally reachable
        // (https://www.iana.org/assignments/iana-ipv6-special-registry), plus the deprecated ones.
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("::/96"), "IPv4-compatible (deprecated)"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "local-use IPv4/IPv6 translation"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("100:0:0:1::/64"), "dummy"),
        (IPNetwork.Parse("2001::/23"), "IETF protocol (Teredo, benchmarking, ORCHID, anycast)"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("3fff::/20"), "documentation"),
        (IPNetwork.Parse("5f00::/16"), "segment routing (SRv6)"),
        (IPNetwork.Parse("fc00::/7"), "private (unique local)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local (deprecated)"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    /// <summary>The well-known NAT64 prefix: its last 32 bits are the IPv4 address it reaches.</summary>
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>6to4: bits 16–47 are the IPv4 address of the relay it reaches.</summary>
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IPNetwork[] _allowed;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public WebhookAddressPolicy(IEnumerable<string> allowedNetworks, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _allowed = [.. allowedNetworks.Select(n => IPNetwork.Parse(n))];
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
    }

    /// <summary>Why an address may not be called, or <see langword="null"/> when it may.</summary>
    public string? Refusal(IPAddress address)
    {
        if (_allowed.Any(n => n.Contains(address)) || (address.IsIPv4MappedToIPv6 && _allowed.Any(n => n.Contains(address.MapToIPv4()))))
        {
            return null;
        }

        IPAddress plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

        // An IPv4 address wrapped in the NAT64 or the 6to4 prefix reaches that IPv4 address.
        if (plain.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(plain))
        {
            byte[] bytes = plain.GetAddressBytes();
            return Refusal(new IPAddress(bytes[12..]));
        }

        if (plain.AddressFamily == AddressFamily.InterNetworkV6 && SixToFour.Contains(plain))
        {
            byte[] bytes = plain.GetAddressBytes();
            return Refusal(new IPAddress(bytes[2..6]));
        }

        foreach ((IPNetwork network, string kind) in Reserved)
        {
            if (network.BaseAddress.AddressFamily == plain.AddressFamily && network.Contains(plain))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>Whether every address lies in an allow-listed network (where plain http is accepted).</summary>
    public bool IsAllowListed(IReadOnlyList<IPAddress> addresses) =>
        addresses.Count > 0 && addresses.All(a => _allowed.Any(n => n.Contains(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)));

    /// <summary>The addresses a host may be reached at; refuses the host if any of its addresses is not public nor allow-listed.</summary>
    /// <exception cref="WebhookRefusedException">The host does not resolve, or resolves to an address that may not be called.</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await _resolve(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException error)
            {
                throw new WebhookRefusedException($"'{host}' could not be resolved ({error.SocketErrorCode}).");
            }
        }

        if (addresses.Length == 0)
        {
            throw new WebhookRefusedException($"'{host}' resolves to no address.");
        }

        foreach (IPAddress address in addresses)
        {
            if (Refusal(address) is { } kind)
            {
                string resolved = literal is null ? $"'{host}' resolves to {address}, " : $"{address} is ";
                throw new WebhookRefusedException(
                    $"{resolved}a {kind} address; webhooks may only call public addresses, unless the network is allow-listed (Workflows:Server:Webhooks:AllowedNetworks).");
            }
        }

        return addresses;
    }
}

/// <summary>A webhook URL that may not be called, and why.</summary>
public sealed class WebhookRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the URL is refused.</param>
    public WebhookRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WebhookRefusedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the URL is refused.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
