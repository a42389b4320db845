using System.Net;
using System.Net.Http.Headers;

namespace Workflows.Server.Tests;

/// <summary>The dashboard's files over HTTP: no key needed to load the page, strict headers, caching and compression.</summary>
public sealed class DashboardAssetTests
{
    [Fact]
    public async Task The_dashboard_address_without_a_slash_redirects_and_with_one_serves_the_page()
    {
        await using var server = new ServerHost();
        HttpClient anonymous = server.Client(key: null);

        HttpResponseMessage redirect = await anonymous.GetAsync("/dashboard");
        HttpResponseMessage page = await anonymous.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/dashboard/", redirect.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<meta name=\"workflows-api\" content=\"/api\">", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(html, await anonymous.GetStringAsync("/dashboard/index.html"));
    }

    [Fact]
    public async Task Mermaid_from_npm_is_served_gzipped_and_cached_and_unknown_files_are_404()
    {
        await using var server = new ServerHost();
        HttpClient anonymous = server.Client(key: null);
        var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/vendor/mermaid.min.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        HttpResponseMessage script = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("gzip", Assert.Single(script.Content.Headers.ContentEncoding));
        Assert.True(script.Content.Headers.ContentLength > 100_000, "mermaid.min.js is missing or truncated: run scripts/npm-ci.sh");
        EntityTagHeaderValue etag = script.Headers.ETag!;
        var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/vendor/mermaid.min.js");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(again)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/dashboard/vendor/nothing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/dashboard/../appsettings.json")).StatusCode);
    }
}
