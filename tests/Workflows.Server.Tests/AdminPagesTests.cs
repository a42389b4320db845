using Microsoft.Playwright;

namespace Workflows.Server.Tests;

/// <summary>
/// The administrators' pages in Chromium, at desktop and phone width: webhooks (a refused address
/// explained, a subscription added with its secret shown once, its delivery log with each attempt,
/// deleted after a second click) and access (the keys with their permissions, never a secret; the
/// role grants). A key without the administer permission sees neither. Screenshots go to artifacts/dashboard/.
/// </summary>
public sealed class AdminPagesTests(Browser browser) : IClassFixture<Browser>
{
    [Theory]
    [InlineData(1280, 900, false)]
    [InlineData(390, 844, true)]
    public async Task Administrators_manage_webhooks_read_their_deliveries_and_see_who_may_call(int width, int height, bool phone)
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        await using var server = new ServerHost(kestrel: true);
        (IPage page, List<string> errors) = await browser.OpenAsync(width, height, phone);
        string suffix = phone ? "-phone" : string.Empty;
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await page.Locator("nav [data-nav='webhooks']").ClickAsync();
        await Expect(page.Locator("[data-test='webhooks']")).ToContainTextAsync("No subscriptions.");

        // A private address is refused with the reason; nothing is added.
        ILocator form = page.Locator("[data-test='add-webhook']");
        await form.Locator("[data-test='webhook-url']").FillAsync("http://10.1.2.3/hook");
        await form.Locator("button[type='submit']").ClickAsync();
        await Expect(form.Locator("[role='alert']")).ToContainTextAsync("10.1.2.3 is a private address");

        await form.Locator("[data-test='webhook-url']").FillAsync(receiver.Url.ToString());
        await form.Locator("[data-test='webhook-events']").FillAsync("run.waiting");
        await form.Locator("[data-test='webhook-workflow']").SelectOptionAsync("ReviewFlow");
        await form.Locator("[data-test='webhook-description']").FillAsync("approvals to chat");
        await form.Locator("button[type='submit']").ClickAsync();
        await Expect(page.Locator("[data-test='secret']")).ToContainTextAsync("whsec_");
        ILocator subscription = page.Locator("[data-test='webhook']");
        await Expect(subscription).ToHaveCountAsync(1);
        await Expect(subscription).ToContainTextAsync("approvals to chat");
        await Expect(subscription).ToContainTextAsync("run.waiting");

        // A run that waits is delivered: the first attempt fails (500), the retry succeeds (204).
        string runId = await server.Client().StartAsync();
        await receiver.UntilAsync("run.waiting");
        await receiver.UntilAsync("run.waiting");
        await subscription.Locator("a").ClickAsync();
        ILocator delivery = page.Locator("[data-test='delivery']");
        await Expect(delivery).ToHaveAttributeAsync("data-status", "delivered");
        await Expect(delivery).ToContainTextAsync(runId[..8]);
        await delivery.Locator("summary").ClickAsync();
        await Expect(delivery.Locator(".attempts li")).ToHaveCountAsync(2);
        await Expect(delivery.Locator(".attempts li").Nth(0)).ToContainTextAsync("HTTP 500");
        await Expect(delivery.Locator(".attempts li").Nth(1)).ToContainTextAsync("HTTP 204");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, $"webhook-deliveries{suffix}.png"), FullPage = true });

        // Deleting asks twice.
        await page.Locator("nav [data-nav='webhooks']").ClickAsync();
        await subscription.Locator("[data-test='delete']").ClickAsync();
        await Expect(subscription).ToHaveCountAsync(1);
        await subscription.Locator("[data-test='confirm-delete']").ClickAsync();
        await Expect(page.Locator("[data-test='webhooks']")).ToContainTextAsync("No subscriptions.");

        // Who may call: every key and what it may do, never a secret.
        await page.Locator("nav [data-nav='access']").ClickAsync();
        ILocator reader = page.Locator("[data-test='key'][data-key='reader']");
        await Expect(reader).ToContainTextAsync("readstartanswer");
        await Expect(reader.Locator("[data-test='by-default']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-test='key'][data-key='tester']")).ToContainTextAsync("(you)");
        await Expect(page.Locator("[data-test='roles']")).ToContainTextAsync("No role is granted anything");
        Assert.DoesNotContain(ServerHost.Key, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The access page scrolls sideways at {width} px.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, $"access{suffix}.png"), FullPage = true });
        Assert.Equal(["console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"], errors);
    }

    [Fact]
    public async Task A_key_that_may_not_administer_sees_no_administration()
    {
        await using var server = new ServerHost(kestrel: true);
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.ReaderKey}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as reader");
        await Expect(page.Locator("nav [data-nav='schedules']")).ToBeVisibleAsync();
        await Expect(page.Locator("nav [data-nav='webhooks']")).ToBeHiddenAsync();
        await Expect(page.Locator("nav [data-nav='access']")).ToBeHiddenAsync();

        // Typed into the address anyway, the page says which permission it takes.
        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/access").ToString());
        await Expect(page.Locator("[role='alert']")).ToContainTextAsync("that takes the 'administer' permission");
        Assert.DoesNotContain(errors, e => !e.Contains("403", StringComparison.Ordinal));
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
