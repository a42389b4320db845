using Microsoft.Playwright;
using Workflows.Hosting;

namespace Workflows.Server.Tests;

/// <summary>
/// The inbox in Chromium, at desktop and phone width: a compact list of tasks with filters and sorting,
/// j / k to move through it, the selected task beside it (below it on a phone) with claim and release,
/// an overdue task marked, and a rejection asked twice. Screenshots go to artifacts/dashboard/.
/// </summary>
public sealed class InboxTests(Browser browser) : IClassFixture<Browser>
{
    [Theory]
    [InlineData(1280, 900, false)]
    [InlineData(390, 844, true)]
    public async Task The_inbox_filters_sorts_moves_by_keyboard_claims_and_answers(int width, int height, bool phone)
    {
        await using var server = new ServerHost(kestrel: true, services: s => s.AddWorkflows().AddDurableWorkflow<ContractReviewFlow>(ContractReviewJson.Default));
        // One after the other, so the newer task is asked later whichever way the worker schedules them.
        Durable.RunRecord late = await server.Runtime.StartRunAsync<ContractReviewFlow>(new ContractIn("Late NDA", 1, Escalate: false));
        await server.Client().WaitForAsync(late.RunId, "waitingForInput");
        Durable.RunRecord onTime = await server.Runtime.StartRunAsync<ContractReviewFlow>(new ContractIn("Supplier MSA", 3_600_000));
        await server.Client().WaitForAsync(onTime.RunId, "waitingForInput");
        (IPage page, List<string> errors) = await browser.OpenAsync(width, height, phone);
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await page.Locator("nav [data-nav='tasks']").ClickAsync();

        // Newest first, the first one selected; the late one is marked overdue.
        ILocator rows = page.Locator("[data-test='task-row']");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("Review Supplier MSA");
        await Expect(rows.Nth(1).Locator("[data-test='due']")).ToHaveTextAsync("overdue");
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("aria-selected", "true");
        ILocator pane = page.Locator("[data-test='inbox'] [data-test='task']");
        await Expect(pane).ToHaveAttributeAsync("data-run", onTime.RunId);
        await Expect(pane.Locator("[data-test='assignees']")).ToContainTextAsync("u-ana, role legal");

        // The keyboard moves through the list.
        await page.Locator("[data-test='task-list']").FocusAsync();
        await page.Keyboard.PressAsync("j");
        await Expect(pane).ToHaveAttributeAsync("data-run", late.RunId);
        await page.Keyboard.PressAsync("k");
        await Expect(pane).ToHaveAttributeAsync("data-run", onTime.RunId);

        // Filters and sorting are in the address, so a filtered inbox can be bookmarked.
        await page.Locator("[data-test='show-overdue']").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-run", late.RunId);
        await page.Locator("[data-test='show-all']").ClickAsync();
        await page.Locator("[data-test='sort']").SelectOptionAsync("due");
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-run", late.RunId);
        Assert.Contains("sort=due", page.Url, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, phone ? "inbox-all-phone.png" : "inbox-all.png"), FullPage = true });

        // Claimed, it is the key's: it shows under Mine, and can be released.
        await rows.Nth(1).ClickAsync();
        await Expect(pane).ToHaveAttributeAsync("data-run", onTime.RunId);
        await pane.Locator("[data-test='claim']").ClickAsync();
        await Expect(pane.Locator("[data-test='assignees']")).ToContainTextAsync("claimed by tester");
        await page.Locator("[data-test='show-mine']").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(pane.Locator("[data-test='release']")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The inbox scrolls sideways at {width} px.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, phone ? "inbox-tasks-phone.png" : "inbox-tasks.png"), FullPage = true });

        // A rejection is asked twice, then answers the task as the key.
        await pane.Locator("[data-test='reject']").ClickAsync();
        await pane.Locator("[data-test='confirm-reject']").ClickAsync();
        await Expect(page.Locator("[data-test='inbox']")).ToContainTextAsync("No tasks here.");
        await server.Client().WaitForAsync(onTime.RunId, "completed");
        Durable.HumanTaskRecord answered = (await server.Runtime.Tasks.ListAsync(new Durable.HumanTaskQuery(Status: Durable.HumanTaskStatus.Completed))).Tasks.Single();
        Assert.Equal((onTime.RunId, "tester"), (answered.RunId, answered.CompletedBy));
        Assert.Empty(errors);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
