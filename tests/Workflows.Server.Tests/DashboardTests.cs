using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Workflows.Server.Tests;

/// <summary>
/// The dashboard in a real browser against a real server on loopback: start a run from its form,
/// watch it wait, approve it with one click, watch it complete; the runs list updates by itself; it
/// fits a phone. Screenshots go to artifacts/dashboard/.
/// </summary>
public sealed partial class DashboardTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task A_run_started_in_the_dashboard_waits_is_approved_with_one_click_and_completes()
    {
        await using var server = new ServerHost(kestrel: true);
        (IPage page, List<string> errors) = await browser.OpenAsync();

        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");
        Assert.DoesNotContain(ServerHost.Key, page.Url, StringComparison.Ordinal);

        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/workflows").ToString());
        ILocator start = page.Locator("[data-workflow='ReviewFlow'] form[data-test='start']");
        await start.Locator("[name='title']").FillAsync("Q3 report");
        await start.Locator("[name='text']").FillAsync(Api.Report);
        await start.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();

        // The run page: its graph drawn by Mermaid, the step that asks highlighted, the question and its answer form.
        await Assertions.Expect(page).ToHaveURLAsync(RunAddress());
        string runId = Uri.UnescapeDataString(page.Url[(page.Url.IndexOf("#/runs/", StringComparison.Ordinal) + "#/runs/".Length)..]);
        await Expect(page.Locator(".head [data-status]")).ToHaveAttributeAsync("data-status", "waitingForInput");
        await Expect(page.Locator("[data-test='graph'] svg")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-test='graph'] svg .waiting")).Not.ToHaveCountAsync(0);
        ILocator task = page.Locator($"[data-test='task'][data-run='{runId}']");
        await Expect(task).ToContainTextAsync("Results: still says TODO");
        // Who answers is the signed-in caller, told to the step; the form asks only what the answer holds.
        await Expect(task.Locator("[name='comment']")).ToBeVisibleAsync();
        await Expect(task.Locator("[name='reviewer']")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-test='timeline'] li")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator("#toast")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "run-waiting.png"), FullPage = true });

        await task.Locator("[data-test='approve']").ClickAsync();

        await Expect(page.Locator(".head [data-status]")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-test='result']")).ToContainTextAsync("published, approved by tester");
        await Expect(page.Locator("#task-count")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "run-completed.png"), FullPage = true });

        // The browser did what the API says happened.
        JsonNode run = await server.Client().WaitForAsync(runId, "completed");
        Assert.Equal("published, approved by tester", (string?)run["result"]!["outcome"]);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_run_page_shows_a_live_answer_growing_as_it_is_written()
    {
        await using var server = new ServerHost(kestrel: true, services: s => Workflows.Hosting.WorkflowServiceCollectionExtensions.AddWorkflows(s).AddDurableWorkflow<ComposeFlow>(ComposeJson.Default));
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");
        const string Text = "Thank you for writing, we are on it";
        Durable.RunRecord run = await server.Runtime.StartRunAsync<ComposeFlow>(new Compose(Text));

        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#/runs/{Uri.EscapeDataString(run.RunId)}").ToString());
        // The timeline fills from the event stream, which follows live events from its first byte.
        await Expect(page.Locator("[data-test='timeline'] li[data-kind='start']")).ToHaveCountAsync(1);
        ComposeFlow.Go(Text);

        ILocator live = page.Locator("[data-test='timeline'] li[data-kind='live']");
        await Expect(live).ToHaveCountAsync(1);
        await Expect(live.Locator(".live-text")).ToHaveTextAsync(Text);
        await Expect(page.Locator(".head [data-status]")).ToHaveAttributeAsync("data-status", "completed");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "run-live.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_run_of_an_older_version_is_listed_with_its_version_and_drawn_with_its_own_steps()
    {
        string directory;
        string before;
        await using (var v1 = new ServerHost(services: s => Workflows.Hosting.WorkflowServiceCollectionExtensions.AddWorkflows(s).AddDurableWorkflow<DeployFlowV1>(DeployJson.Default)))
        {
            directory = v1.Directory;
            before = (await v1.Runtime.StartRunAsync<DeployFlowV1>(new Deploy("api"))).RunId;
            await v1.Client().WaitForAsync(before, "waitingForInput");
            await v1.DisposeWithoutDeletingAsync();
        }

        await using var server = new ServerHost(
            kestrel: true,
            directory: directory,
            services: s => Workflows.Hosting.WorkflowServiceCollectionExtensions.AddWorkflows(s).AddDurableWorkflow<DeployFlow>(DeployJson.Default).AddDurableWorkflow<DeployFlowV1>(DeployJson.Default));
        string after = (await server.Runtime.StartRunAsync<DeployFlow>(new Deploy("web"))).RunId;
        await server.Client().WaitForAsync(after, "waitingForInput");
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");

        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/runs?workflow=Deploy").ToString());
        await Expect(page.Locator($"[data-test='run-row'][data-run='{after}'] td").Nth(1)).ToHaveTextAsync("Deploy v2");
        await Expect(page.Locator($"[data-test='run-row'][data-run='{before}'] td").Nth(1)).ToHaveTextAsync("Deploy");
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#/runs/{Uri.EscapeDataString(before)}").ToString());

        await Expect(page.Locator("[data-test='graph'] svg")).ToContainTextAsync("Decide");
        await Expect(page.Locator("[data-test='graph'] svg")).Not.ToContainTextAsync("Finish");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_runs_list_shows_titles_and_finds_a_run_by_a_word_of_its_title()
    {
        await using var server = new ServerHost(kestrel: true);
        HttpClient api = server.Client();
        HttpResponseMessage started = await api.PostAsJsonAsync("/api/workflows/ReviewFlow/runs?title=" + Uri.EscapeDataString("Invoice 1042 for Acme"), new { title = "Q3", text = Api.CleanReport });
        string titled = (string)(await started.ReadAsync())["runId"]!;
        string other = await api.StartAsync();
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");
        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/runs").ToString());
        await Expect(page.Locator($"[data-test='run-row'][data-run='{titled}'] [data-test='run-title']")).ToHaveTextAsync("Invoice 1042 for Acme");
        await Expect(page.Locator($"[data-test='run-row'][data-run='{other}']")).ToBeVisibleAsync();

        await page.Locator("[data-test='run-search']").FillAsync("ACME");
        await page.Locator("[data-test='run-search']").PressAsync("Enter");

        await Expect(page.Locator("[data-test='run-row']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"[data-test='run-row'][data-run='{titled}']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "runs-search.png"), FullPage = true });
        await page.Locator("[data-test='run-title']").First.ClickAsync();
        await Expect(page.Locator(".head [data-test='run-title']")).ToHaveTextAsync("Invoice 1042 for Acme");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_run_page_shows_what_its_model_calls_used()
    {
        await using var server = new ServerHost(kestrel: true, services: s => Workflows.Hosting.WorkflowServiceCollectionExtensions.AddWorkflows(s).AddDurableWorkflow<AskFlow>(AskJson.Default));
        Durable.RunRecord run = await server.Runtime.StartRunAsync<AskFlow>(new Asked("the answer?"));
        await server.Client().WaitForAsync(run.RunId, "completed");
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");

        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#/runs/{Uri.EscapeDataString(run.RunId)}").ToString());

        await Expect(page.Locator("[data-test='model-usage']")).ToContainTextAsync("1 call · 1000 in + 500 out tokens · about 0.0020");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_tool_call_waiting_for_approval_is_edited_and_approved_from_the_inbox()
    {
        await using var server = new ServerHost(kestrel: true, services: s => Workflows.Hosting.WorkflowServiceCollectionExtensions.AddWorkflows(s).AddDurableWorkflow<ToolApprovalFlow>(ToolApprovalJson.Default));
        Durable.RunRecord run = await server.Runtime.StartRunAsync<ToolApprovalFlow>(new RefundAsked("A-7"));
        await server.Client().WaitForAsync(run.RunId, "waitingForInput");
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");

        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/tasks").ToString());
        ILocator task = page.Locator($"[data-test='task'][data-run='{run.RunId}']");
        await Expect(task).ToContainTextAsync("refund");
        ILocator arguments = task.Locator("[name='Arguments']");
        await Expect(arguments).ToHaveValueAsync("{\"order\":\"A-7\",\"amount\":80}");
        await arguments.FillAsync("{\"order\":\"A-7\",\"amount\":50}");
        await task.Locator("[name='Reason']").FillAsync("half: it was on sale");
        await Expect(task.Locator("[name='By']")).ToHaveCountAsync(0); // who decided comes from the sign-in, not a field
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "inbox-tool-approval.png"), FullPage = true });
        await task.Locator("[data-test='approve']").ClickAsync();

        JsonNode done = await server.Client().WaitForAsync(run.RunId, "completed");
        Assert.Equal("Done: refunded 50 for A-7", (string?)done["result"]!["Answer"]);
        Assert.Equal("50", ToolApprovalFlow.Refunds["A-7"]);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_runs_list_and_the_inbox_update_without_a_reload()
    {
        await using var server = new ServerHost(kestrel: true);
        HttpClient client = server.Client();
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("td.empty")).ToContainTextAsync("No runs yet");

        string runId = await client.StartAsync();
        ILocator row = page.Locator($"[data-test='run-row'][data-run='{runId}']");
        await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "waitingForInput");
        await Expect(page.Locator("#task-count")).ToHaveTextAsync("1");

        await page.Locator("nav [data-nav='tasks']").ClickAsync();
        ILocator task = page.Locator($"[data-test='inbox'] [data-test='task'][data-run='{runId}']");
        await Expect(task).ToContainTextAsync("Approval Requested");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "inbox.png"), FullPage = true });
        await task.Locator("[data-test='reject']").ClickAsync();
        await Expect(task.Locator("[data-test='approve']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-test='inbox']")).Not.ToContainTextAsync("Nothing is waiting for you.");
        await task.Locator("[data-test='confirm-reject']").ClickAsync();
        await Expect(page.Locator("[data-test='inbox']")).ToContainTextAsync("Nothing is waiting for you.");
        await Expect(page.Locator("#task-count")).ToBeHiddenAsync();

        await page.Locator("nav [data-nav='runs']").ClickAsync();
        await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "completed");
        Assert.Equal("rejected by tester", (string?)(await client.WaitForAsync(runId, "completed"))["result"]!["outcome"]);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task On_a_phone_the_inbox_fits_the_screen_and_approves()
    {
        await using var server = new ServerHost(kestrel: true);
        HttpClient client = server.Client();
        string runId = await client.StartAsync();
        await client.WaitForAsync(runId, "waitingForInput");
        (IPage page, List<string> errors) = await browser.OpenAsync(width: 390, height: 844, phone: true);

        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await page.Locator("nav [data-nav='tasks']").ClickAsync();
        ILocator approve = page.Locator($"[data-test='task'][data-run='{runId}'] [data-test='approve']");
        await Expect(approve).ToBeVisibleAsync();

        // Nothing wider than the screen: no sideways scrolling, and the button is inside the viewport.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The inbox scrolls sideways at 390 px.");
        LocatorBoundingBoxResult box = (await approve.BoundingBoxAsync())!;
        Assert.InRange(box.X + box.Width, 0, 390);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "inbox-phone.png"), FullPage = true });

        await approve.TapAsync();
        Assert.Equal("published, approved by tester", (string?)(await client.WaitForAsync(runId, "completed"))["result"]!["outcome"]);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_operator_suspends_and_resumes_a_run_from_its_page_and_a_reader_sees_no_controls()
    {
        await using var server = new ServerHost(kestrel: true);
        HttpClient client = server.Client();
        string runId = await client.StartAsync();
        await client.WaitForAsync(runId, "waitingForInput");
        (IPage page, List<string> errors) = await browser.OpenAsync();

        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#/runs/{Uri.EscapeDataString(runId)}").ToString());
        await Expect(page.Locator("[data-test='retry']")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-test='resume']")).ToBeHiddenAsync();

        await page.Locator("[data-test='suspend']").ClickAsync();
        await Expect(page.Locator(".head [data-status]")).ToHaveAttributeAsync("data-status", "suspended");
        await Expect(page.Locator("[data-test='suspend']")).ToBeHiddenAsync();
        Assert.Equal("suspended", (string?)(await (await client.GetAsync($"/api/runs/{runId}")).ReadAsync())["status"]);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "run-suspended.png"), FullPage = true });

        await page.Locator("[data-test='resume']").ClickAsync();
        await Expect(page.Locator(".head [data-status]")).ToHaveAttributeAsync("data-status", "waitingForInput");
        Assert.Empty(errors);

        // A key that may not operate sees the run without the buttons.
        (IPage reader, List<string> readerErrors) = await browser.OpenAsync();
        await reader.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.ReaderKey}").ToString());
        await Expect(reader.Locator("#who")).ToHaveTextAsync("signed in as reader");
        await reader.GotoAsync(new Uri(server.Address, $"/dashboard/#/runs/{Uri.EscapeDataString(runId)}").ToString());
        await Expect(reader.Locator(".head [data-status]")).ToHaveAttributeAsync("data-status", "waitingForInput");
        foreach (string control in new[] { "suspend", "resume", "retry" })
        {
            await Expect(reader.Locator($"[data-test='{control}']")).ToBeHiddenAsync();
        }

        await Expect(reader.GetByRole(AriaRole.Button, new() { Name = "Cancel run" })).ToBeHiddenAsync();
        Assert.Empty(readerErrors);
    }

    [Fact]
    public async Task A_key_link_opened_in_a_tab_that_shows_the_dashboard_signs_in_with_it_and_leaves_no_key_in_the_address_or_history()
    {
        await using var server = new ServerHost(kestrel: true);
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");
        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/schedules").ToString());

        // The same document, another key in the hash: a hash change, no page load.
        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.ReaderKey}").ToString());

        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as reader");
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        Assert.Equal(ServerHost.ReaderKey, await page.EvaluateAsync<string>("sessionStorage.getItem('workflows.apiKey')"));
        await page.GoBackAsync();
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        await page.GoBackAsync();
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_key_that_may_only_read_sees_runs_tasks_and_schedules_without_the_forms_and_buttons_it_may_not_use()
    {
        const string ViewerKey = "viewer-key-0123456789abcdefgh";
        await using var server = new ServerHost(
            settings =>
            {
                settings["Workflows:Server:ApiKeys:3:Name"] = "viewer";
                settings["Workflows:Server:ApiKeys:3:Key"] = ViewerKey;
                settings["Workflows:Server:ApiKeys:3:Permissions:0"] = "Read";
            },
            kestrel: true);
        HttpClient client = server.Client();
        string runId = await client.StartAsync();
        await client.WaitForAsync(runId, "waitingForInput");
        await server.Runtime.ScheduleWorkflowAsync("weekly-report", "ReviewFlow", new DocumentReview.DocumentSubmitted("Weekly", Api.CleanReport), new Workflows.Durable.ScheduleSpec { Cron = "0 9 * * 1" });
        (IPage page, List<string> errors) = await browser.OpenAsync();

        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ViewerKey}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as viewer");

        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/workflows").ToString());
        await Expect(page.Locator("[data-workflow='ReviewFlow'] [data-test='may-not-start']")).ToBeVisibleAsync();
        await Expect(page.Locator("form[data-test='start']")).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/tasks").ToString());
        await Expect(page.Locator($"[data-test='task'][data-run='{runId}'] [data-test='may-not-answer']")).ToBeVisibleAsync();
        await Expect(page.Locator("form[data-test='answer']")).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/schedules").ToString());
        await Expect(page.Locator("[data-schedule='weekly-report']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-schedule='weekly-report'] button")).ToHaveCountAsync(0);

        // Run ids start alike (a timestamp): the list keeps the full id in the link's title and a copy button.
        await page.GotoAsync(new Uri(server.Address, "/dashboard/#/runs").ToString());
        await Expect(page.Locator($"a[title='{runId}']")).ToBeVisibleAsync();
        await page.Locator($"[data-test='copy-id'][data-id='{runId}']").ClickAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync(runId);

        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#/runs/{Uri.EscapeDataString(runId)}").ToString());
        await Expect(page.Locator(".head [data-status]")).ToHaveAttributeAsync("data-status", "waitingForInput");
        await Expect(page.Locator("[data-test='run-id']")).ToHaveTextAsync(runId);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel run" })).ToBeHiddenAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_schedules_page_lists_schedules_and_an_operator_pauses_and_resumes_one()
    {
        await using var server = new ServerHost(kestrel: true);
        await server.Runtime.ScheduleWorkflowAsync("weekly-report", "ReviewFlow", new DocumentReview.DocumentSubmitted("Weekly", Api.CleanReport), new Workflows.Durable.ScheduleSpec { Cron = "0 9 * * 1", TimeZone = "Europe/Berlin" });
        (IPage page, List<string> errors) = await browser.OpenAsync();

        await page.GotoAsync(new Uri(server.Address, $"/dashboard/#key={ServerHost.Key}").ToString());
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as tester");
        await page.Locator("nav [data-nav='schedules']").ClickAsync();
        ILocator row = page.Locator("[data-schedule='weekly-report']");
        await Expect(row).ToContainTextAsync("0 9 * * 1 (Europe/Berlin)");
        await Expect(row).ToHaveAttributeAsync("data-paused", "false");

        await row.Locator("[data-test='pause']").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-paused", "true");
        Assert.True((await server.Runtime.GetScheduleAsync("weekly-report"))!.Paused);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "schedules.png"), FullPage = true });
        await row.Locator("[data-test='resume']").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-paused", "false");
        Assert.Empty(errors);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [GeneratedRegex("#/runs/[^/?]+$")]
    private static partial Regex RunAddress();
}
