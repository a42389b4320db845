using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Server.Security;

namespace Workflows.Server.Tests;

/// <summary>
/// Permissions over HTTP: each endpoint allowed to a key that has only its permission and refused
/// (403, naming the permission) to keys that have only another; people signed in with JWT bearer
/// tokens, their roles and the permissions configuration grants those roles; keys configured before
/// permissions keep working, with a warning.
/// </summary>
public sealed class PermissionTests : IAsyncLifetime
{
    private readonly TokenIssuer _tokens = new();
    private readonly LogCollector _logs = new();
    private readonly ServerHost _server;

    public PermissionTests()
    {
        _server = new ServerHost(
            settings =>
            {
                TokenIssuer.Name(settings);
                int i = 3;
                foreach (WorkflowPermission permission in Permissions.All)
                {
                    settings[$"Workflows:Server:ApiKeys:{i}:Name"] = "only-" + Permissions.Name(permission);
                    settings[$"Workflows:Server:ApiKeys:{i}:Key"] = KeyFor(permission);
                    settings[$"Workflows:Server:ApiKeys:{i}:Permissions:0"] = permission.ToString();
                    i++;
                }

                settings["Workflows:Server:Roles:approvers:0"] = "Read";
                settings["Workflows:Server:Roles:approvers:1"] = "Answer";
                settings["Workflows:Server:Roles:ops:0"] = "Read";
                settings["Workflows:Server:Roles:ops:1"] = "Operate";
            },
            services =>
            {
                services.AddSingleton<ILoggerProvider>(_logs);
                _tokens.Accept(services);
            });
    }

    private static string KeyFor(WorkflowPermission permission) => $"only-{Permissions.Name(permission)}-key-0123456789abcdef";

    [Fact]
    public void Every_API_endpoint_declares_the_permission_it_takes()
    {
        _ = _server.Client();
        RouteEndpoint[] api = [.. _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)];

        Assert.True(api.Length >= 25, $"Only {api.Length} API endpoints found.");
        Assert.All(api, endpoint => Assert.True(endpoint.Metadata.GetMetadata<RequiredPermission>() is not null, $"{endpoint.RoutePattern.RawText} declares no permission."));
    }

    /// <summary>Every endpoint with the permission it takes: a key with only that permission passes, each key with only another is refused.</summary>
    [Fact]
    public async Task Each_endpoint_is_allowed_with_its_permission_and_refused_without_it_naming_the_permission()
    {
        HttpClient tester = _server.Client();
        string waiting = await tester.StartAsync();
        await tester.WaitForAsync(waiting, "waitingForInput");
        string done = await tester.StartAsync(Api.CleanReport);
        await tester.WaitForAsync(done, "completed");
        string webhook = (string)(await (await tester.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/h" })).ReadAsync())["id"]!;
        await _server.Runtime.ScheduleWorkflowAsync("weekly", "ReviewFlow", new DocumentReview.DocumentSubmitted("Weekly", Api.CleanReport), new Durable.ScheduleSpec { Cron = "0 9 * * 1" });

        long task = (long)(await (await tester.GetAsync($"/api/tasks?run={waiting}")).ReadAsync())["tasks"]![0]!["taskId"]!;

        (HttpMethod Method, string Path, string? Body, WorkflowPermission Permission)[] endpoints =
        [
            (HttpMethod.Get, "/api/workflows", null, WorkflowPermission.Read),
            (HttpMethod.Get, "/api/workflows/ReviewFlow", null, WorkflowPermission.Read),
            (HttpMethod.Post, "/api/workflows/ReviewFlow/runs", """{"title": "T", "text": "x"}""", WorkflowPermission.Start),
            (HttpMethod.Get, "/api/runs", null, WorkflowPermission.Read),
            (HttpMethod.Get, $"/api/runs/{waiting}", null, WorkflowPermission.Read),
            (HttpMethod.Get, $"/api/runs/{waiting}/events", null, WorkflowPermission.Read),
            (HttpMethod.Get, $"/api/runs/{done}/events/stream", null, WorkflowPermission.Read),
            (HttpMethod.Post, $"/api/runs/{waiting}/events", """{"type": "ReviewerDecision", "data": {"approve": "?"}}""", WorkflowPermission.Answer),
            (HttpMethod.Post, $"/api/runs/{done}/suspend", null, WorkflowPermission.Operate),
            (HttpMethod.Post, $"/api/runs/{done}/resume", null, WorkflowPermission.Operate),
            (HttpMethod.Post, $"/api/runs/{done}/retry", null, WorkflowPermission.Operate),
            (HttpMethod.Post, $"/api/runs/{done}/cancel", null, WorkflowPermission.Operate),
            (HttpMethod.Post, "/api/runs/purge", """{"finishedBefore": "2000-01-01T00:00:00Z"}""", WorkflowPermission.Operate),
            (HttpMethod.Get, "/api/schedules", null, WorkflowPermission.Read),
            (HttpMethod.Post, "/api/schedules/weekly/pause", null, WorkflowPermission.Administer),
            (HttpMethod.Post, "/api/schedules/weekly/resume", null, WorkflowPermission.Administer),
            (HttpMethod.Delete, "/api/schedules/nothing-here", null, WorkflowPermission.Administer),
            (HttpMethod.Get, "/api/tasks", null, WorkflowPermission.Read),
            (HttpMethod.Get, $"/api/tasks/{task}", null, WorkflowPermission.Read),
            (HttpMethod.Post, $"/api/tasks/{task}/claim", null, WorkflowPermission.Answer),
            (HttpMethod.Post, $"/api/tasks/{task}/release", null, WorkflowPermission.Answer),
            (HttpMethod.Post, $"/api/tasks/{task}/reassign", """{"users": [], "roles": []}""", WorkflowPermission.Operate),
            (HttpMethod.Post, $"/api/tasks/{task}/delegate", """{"to": ""}""", WorkflowPermission.Answer),
            (HttpMethod.Post, $"/api/tasks/{task}/answer", """{"type": "ReviewerDecision", "data": {"approve": "?"}}""", WorkflowPermission.Answer),
            (HttpMethod.Get, "/api/webhooks", null, WorkflowPermission.Administer),
            (HttpMethod.Post, "/api/webhooks", """{"url": 5}""", WorkflowPermission.Administer),
            (HttpMethod.Get, $"/api/webhooks/{webhook}", null, WorkflowPermission.Administer),
            (HttpMethod.Get, $"/api/webhooks/{webhook}/deliveries", null, WorkflowPermission.Administer),
            (HttpMethod.Delete, "/api/webhooks/nothing-here", null, WorkflowPermission.Administer),
            (HttpMethod.Get, "/api/openapi/workflows.json", null, WorkflowPermission.Read),
            (HttpMethod.Get, "/api/access", null, WorkflowPermission.Administer),
        ];

        foreach ((HttpMethod method, string path, string? body, WorkflowPermission needed) in endpoints)
        {
            foreach (WorkflowPermission held in Permissions.All)
            {
                using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Api.Json(body) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyFor(held));
                HttpResponseMessage response = await tester.SendAsync(request);
                if (held == needed)
                {
                    Assert.True(response.StatusCode != HttpStatusCode.Forbidden, $"{method} {path} refused the key with '{Permissions.Name(needed)}': {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    JsonNode problem = await response.AssertProblemAsync(403, "forbidden", $"API key 'only-{Permissions.Name(held)}' may not ");
                    Assert.Equal(Permissions.Name(needed), (string?)problem["permission"]);
                    Assert.Contains($"that takes the '{Permissions.Name(needed)}' permission; list it in the key's Permissions (Workflows:Server:ApiKeys).", (string)problem["detail"]!, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public async Task Administrators_see_every_key_with_its_permissions_and_the_role_grants_never_a_secret()
    {
        HttpResponseMessage response = await _server.Client().GetAsync("/api/access");
        string body = await response.Content.ReadAsStringAsync();
        JsonNode access = JsonNode.Parse(body)!;

        JsonNode[] keys = [.. access["keys"]!.AsArray().Select(k => k!)];
        Assert.Equal(["tester", "other", "reader", "only-read", "only-start", "only-answer", "only-operate", "only-administer"], keys.Select(k => (string?)k["name"]));
        Assert.Equal(
            ["read, start, answer, operate, administer (by default)", "read, start, answer (by default)", "operate"],
            new[] { keys[0], keys[2], keys[6] }.Select(k => string.Join(", ", k["permissions"]!.AsArray().Select(p => (string?)p)) + ((bool)k["grantedByDefault"]! ? " (by default)" : string.Empty)));
        Assert.Equal(
            ["approvers: read, answer", "ops: read, operate"],
            access["roles"]!.AsArray().Select(r => $"{r!["role"]}: {string.Join(", ", r["permissions"]!.AsArray().Select(p => (string?)p))}"));
        Assert.Equal(["Bearer"], access["authenticationSchemes"]!.AsArray().Select(s => (string?)s));
        Assert.DoesNotContain("key-0123456789", body, StringComparison.Ordinal);
        Assert.DoesNotContain(ServerHost.Key, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_signed_in_with_a_JWT_has_the_permissions_of_their_roles()
    {
        HttpClient tester = _server.Client();
        string runId = await tester.StartAsync();
        await tester.WaitForAsync(runId, "waitingForInput");
        HttpClient ana = _server.Client(Token("u-ana", "Ana Lima", "approvers"));

        JsonNode me = await (await ana.GetAsync("/api/me")).ReadAsync();
        Assert.Equal(("user", "u-ana", "Ana Lima", false), ((string?)me["kind"], (string?)me["id"], (string?)me["name"], (bool)me["canOperate"]!));
        Assert.Equal(["approvers"], me["roles"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(["read", "answer"], me["permissions"]!.AsArray().Select(p => (string?)p));

        Assert.Equal(HttpStatusCode.OK, (await ana.GetAsync($"/api/runs/{runId}")).StatusCode);
        await (await ana.PostAsJsonAsync("/api/workflows/ReviewFlow/runs", new { title = "T", text = Api.CleanReport }))
            .AssertProblemAsync(403, "forbidden", "user 'Ana Lima' (roles: approvers) may not start runs: that takes the 'start' permission; grant it to one of the user's roles (Workflows:Server:Roles).");
        await (await ana.PostAsync($"/api/runs/{runId}/cancel", null)).AssertProblemAsync(403, "forbidden", "may not cancel runs: that takes the 'operate' permission");
        Assert.Equal(HttpStatusCode.Accepted, (await ana.DecideAsync(runId, approve: true)).StatusCode);
        await tester.WaitForAsync(runId, "completed");
    }

    [Fact]
    public async Task A_person_s_control_is_journaled_under_their_id_and_one_without_roles_may_do_nothing()
    {
        HttpClient tester = _server.Client();
        string runId = await tester.StartAsync();
        await tester.WaitForAsync(runId, "waitingForInput");

        HttpResponseMessage suspended = await _server.Client(Token("u-bob", "Bob", "ops")).PostAsync($"/api/runs/{runId}/suspend", null);
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Contains(await _server.Runtime.ReadEventsAsync(runId), e => e.Kind == Durable.EventRecordKind.Control && e.Payload.Contains("user:u-bob", StringComparison.Ordinal));

        HttpClient nobody = _server.Client(Token("u-eve", "Eve"));
        await (await nobody.GetAsync("/api/runs")).AssertProblemAsync(403, "forbidden", "user 'Eve' (no roles) may not read runs: that takes the 'read' permission");
        Assert.Empty((await (await nobody.GetAsync("/api/me")).ReadAsync())["permissions"]!.AsArray());
    }

    [Fact]
    public async Task A_token_signed_by_another_key_or_expired_is_a_401_problem()
    {
        var forged = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));

        await (await _server.Client(Token("u-ana", "Ana", "approvers", signing: forged)).GetAsync("/api/runs")).AssertProblemAsync(401, "unauthorized", "not valid");
        await (await _server.Client(Token("u-ana", "Ana", "approvers", expires: DateTime.UtcNow.AddMinutes(-10))).GetAsync("/api/runs")).AssertProblemAsync(401, "unauthorized", "not valid");
    }

    [Fact]
    public void A_key_configured_before_permissions_has_them_all_and_the_server_warns_at_start()
    {
        _ = _server.Client();

        Assert.Contains(_logs.Messages, m => m == "API key 'tester' lists no Permissions, so it has read, start, answer, operate, administer; list them (Workflows:Server:ApiKeys:n:Permissions) to grant fewer");
        Assert.Contains(_logs.Messages, m => m == "API key 'reader' lists no Permissions, so it has read, start, answer; list them (Workflows:Server:ApiKeys:n:Permissions) to grant fewer");
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("'only-read'", StringComparison.Ordinal));
    }

    private string Token(string id, string name, string? role = null, SymmetricSecurityKey? signing = null, DateTime? expires = null) =>
        _tokens.Token(id, name, role is null ? [] : [role], signing, expires);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Keeps the server's log messages, formatted.</summary>
    private sealed class LogCollector : ILoggerProvider, ILogger
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
