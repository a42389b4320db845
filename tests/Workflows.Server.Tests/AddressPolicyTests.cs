using System.Net;
using Workflows.Server.Webhooks;

namespace Workflows.Server.Tests;

/// <summary>Which addresses a webhook may call: public ones, and allow-listed networks; never the inside of the network.</summary>
public sealed class AddressPolicyTests
{
    private readonly WebhookAddressPolicy _policy = new([]);

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.5.4", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("169.254.10.20", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("fd12:3456::1", "private (unique local)")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("100.100.100.100", "shared (carrier-grade NAT)")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata")]
    [InlineData("64:ff9b::a00:1", "private")]
    public void Addresses_inside_the_network_are_refused_with_their_kind(string address, string kind)
    {
        Assert.Equal(kind, _policy.Refusal(IPAddress.Parse(address)));
    }

    /// <summary>Each block of the IANA IPv6 special-purpose registry that is not globally reachable, and the deprecated ones.</summary>
    [Theory]
    [InlineData("::127.0.0.1", "IPv4-compatible (deprecated)")]
    [InlineData("::a9fe:a9fe", "IPv4-compatible (deprecated)")]
    [InlineData("::8.8.8.8", "IPv4-compatible (deprecated)")]
    [InlineData("64:ff9b:1::a00:1", "local-use IPv4/IPv6 translation")]
    [InlineData("64:ff9b:1:ffff::1", "local-use IPv4/IPv6 translation")]
    [InlineData("100::1", "discard-only")]
    [InlineData("100:0:0:1::1", "dummy")]
    [InlineData("2001::1", "IETF protocol (Teredo, benchmarking, ORCHID, anycast)")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "IETF protocol (Teredo, benchmarking, ORCHID, anycast)")]
    [InlineData("2001:2::1", "IETF protocol (Teredo, benchmarking, ORCHID, anycast)")]
    [InlineData("2001:10::1", "IETF protocol (Teredo, benchmarking, ORCHID, anycast)")]
    [InlineData("2001:1::1", "IETF protocol (Teredo, benchmarking, ORCHID, anycast)")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("3fff::1", "documentation")]
    [InlineData("3fff:fff:ffff::1", "documentation")]
    [InlineData("5f00::1", "segment routing (SRv6)")]
    [InlineData("fc00::1", "private (unique local)")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("fec0::1", "site-local (deprecated)")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("2002:7f00:1::1", "loopback")]
    [InlineData("2002:a9fe:a9fe::1", "cloud metadata")]
    [InlineData("2002:c0a8:101::1", "private")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "cloud metadata")]
    public void Special_purpose_IPv6_addresses_are_refused_with_their_kind(string address, string kind)
    {
        Assert.Equal(kind, _policy.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2620:4f:8000::1")]
    public void Public_addresses_are_allowed(string address)
    {
        Assert.Null(_policy.Refusal(IPAddress.Parse(address)));
    }

    [Fact]
    public void An_allow_listed_network_may_be_called_and_nothing_beside_it()
    {
        var policy = new WebhookAddressPolicy(["10.20.0.0/16", "127.0.0.1/32"]);

        Assert.Null(policy.Refusal(IPAddress.Parse("10.20.3.4")));
        Assert.Null(policy.Refusal(IPAddress.Parse("127.0.0.1")));
        Assert.Null(policy.Refusal(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Equal("private", policy.Refusal(IPAddress.Parse("10.21.0.1")));
        Assert.Equal("loopback", policy.Refusal(IPAddress.Parse("127.0.0.2")));
    }

    [Fact]
    public async Task A_host_is_refused_if_any_of_its_addresses_is_inside()
    {
        var policy = new WebhookAddressPolicy([], (host, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.0.0.7") }));

        var error = await Assert.ThrowsAsync<WebhookRefusedException>(() => policy.ResolveAsync("rebind.example.com", default));

        Assert.Equal("'rebind.example.com' resolves to 10.0.0.7, a private address; webhooks may only call public addresses, unless the network is allow-listed (Workflows:Server:Webhooks:AllowedNetworks).", error.Message);
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_is_refused()
    {
        var policy = new WebhookAddressPolicy([], (_, _) => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));

        var error = await Assert.ThrowsAsync<WebhookRefusedException>(() => policy.ResolveAsync("nowhere.invalid", default));

        Assert.Equal("'nowhere.invalid' could not be resolved (HostNotFound).", error.Message);
    }
}
