using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Workflows.Hosting;

namespace Workflows.Server.Tests;

/// <summary>
/// People signed in to the app with a cookie use the API and the dashboard as themselves: the API
/// knows them without a key, an unauthenticated call is still a 401 problem (not the cookie scheme's
/// redirect), a change without the dashboard's header is refused as cross-site, and in Chromium a
/// person signs in through the app's page, works a task assigned to their role and signs out.
/// </summary>
public sealed class PeopleSignInTests(Browser browser) : IClassFixture<Browser>
{
    private static ServerHost NewServer(bool kestrel = false) => new(
        CookieAccounts.Name,
        services =>
        {
            CookieAccounts.Accept(services);
            services.AddWorkflows().AddDurableWorkflow<ContractReviewFlow>(ContractReviewJson.Default);
        },
        kestrel: kestrel);

    [Fact]
    public async Task A_cookie_signs_a_person_in_and_a_change_without_the_dashboard_header_is_refused()
    {
        await using ServerHost server = NewServer();
        Durable.RunRecord run = await server.Runtime.StartRunAsync<ContractReviewFlow>(new ContractIn("NDA", 3_600_000));
        await server.Client().WaitForAsync(run.RunId, "waitingForInput");
        HttpClient person = server.Client(key: null);

        HttpResponseMessage anonymous = await person.GetAsync("/api/me");
        await anonymous.AssertProblemAsync(401, "unauthorized", "or a signed-in user");

        HttpResponseMessage login = await person.GetAsync($"{CookieAccounts.SignIn}?as=bo&ReturnUrl=/dashboard/");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        HttpResponseMessage signedIn = await person.GetAsync("/api/me");
        Assert.True(signedIn.IsSuccessStatusCode, $"{login.Headers} / {await signedIn.Content.ReadAsStringAsync()}");
        JsonNode me = await signedIn.ReadAsync();
        Assert.Equal(("user", "u-bo", "Bo Silva"), ((string?)me["kind"], (string?)me["id"], (string?)me["name"]));
        Assert.Equal(["read", "answer"], me["permissions"]!.AsArray().Select(p => (string?)p));

        long task = (long)(await (await person.GetAsync($"/api/tasks?show=roles&run={run.RunId}")).ReadAsync())["tasks"]![0]!["taskId"]!;
        await (await person.PostAsync($"/api/tasks/{task}/claim", null))
            .AssertProblemAsync(403, "cross_site_request", "must carry the 'X-Workflows-Csrf' header");
        Assert.Null((await server.Runtime.Tasks.GetAsync(task))!.ClaimedBy);

        using var claim = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{task}/claim");
        claim.Headers.Add("X-Workflows-Csrf", "1");
        Assert.Equal(HttpStatusCode.OK, (await person.SendAsync(claim)).StatusCode);
        Assert.Equal("u-bo", (await server.Runtime.Tasks.GetAsync(task))!.ClaimedBy);
    }

    [Fact]
    public async Task Sign_in_and_out_settings_must_be_paths_on_the_app_or_https_and_need_a_scheme()
    {
        await using var server = new ServerHost(settings =>
        {
            settings["Workflows:Server:SignInPath"] = "javascript:alert(1)";
            settings["Workflows:Server:SignOutPath"] = "//evil.example.com/out";
        });
        Microsoft.Extensions.Options.OptionsValidationException error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => server.Client());
        Assert.Contains("Workflows:Server:SignInPath is 'javascript:alert(1)'; it must be a path on this app, like /account/login, or an https address.", error.Failures);
        Assert.Contains("Workflows:Server:SignOutPath is '//evil.example.com/out'; it must be a path on this app, like /account/login, or an https address.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("Workflows:Server:SignInPath is set, but AuthenticationSchemes names no scheme", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_person_signs_in_through_the_app_works_a_task_of_their_role_and_signs_out()
    {
        await using ServerHost server = NewServer(kestrel: true);
        Durable.RunRecord run = await server.Runtime.StartRunAsync<ContractReviewFlow>(new ContractIn("Supplier MSA", 3_600_000));
        await server.Client().WaitForAsync(run.RunId, "waitingForInput");
        (IPage page, List<string> errors) = await browser.OpenAsync();
        await page.GotoAsync(new Uri(server.Address, "/dashboard/").ToString());

        await page.Locator("[data-test='account-sign-in']").ClickAsync();
        await Expect(page.Locator("#who")).ToHaveTextAsync("signed in as Bo Silva");
        await Expect(page.Locator("nav [data-nav='webhooks']")).ToBeHiddenAsync();

        await page.Locator("nav [data-nav='tasks']").ClickAsync();
        await page.Locator("[data-test='show-roles']").ClickAsync();
        ILocator pane = page.Locator("[data-test='inbox'] [data-test='task']");
        await Expect(pane).ToHaveAttributeAsync("data-run", run.RunId);
        await pane.Locator("[data-test='claim']").ClickAsync();
        await Expect(pane.Locator("[data-test='assignees']")).ToContainTextAsync("claimed by u-bo");
        await pane.Locator("[data-test='approve']").ClickAsync();
        await server.Client().WaitForAsync(run.RunId, "completed");
        Assert.Equal("u-bo", (await server.Runtime.Tasks.ListAsync(new Durable.HumanTaskQuery(Status: Durable.HumanTaskStatus.Completed))).Tasks.Single().CompletedBy);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Artifacts, "inbox-person.png"), FullPage = true });

        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("[data-test='account-sign-in']")).ToBeVisibleAsync();
        Assert.DoesNotContain(errors, e => !e.Contains("401", StringComparison.Ordinal));
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
