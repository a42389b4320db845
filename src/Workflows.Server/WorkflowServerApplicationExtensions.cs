using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Server.Api;
using Workflows.Server.Dashboard;
using Workflows.Server.Http;
using Workflows.Server.Security;

namespace Workflows.Server;

/// <summary>Puts the Workflows HTTP server into an ASP.NET Core app's pipeline and routes.</summary>
public static class WorkflowServerApplicationExtensions
{
    private const string MiddlewareAdded = "Workflows.Server.Middleware";

    private const string HealthPath = "/health";

    /// <summary>A key configured before permissions existed has all of them (but operate without CanOperate): say so once, at start-up.</summary>
    private static void WarnAboutKeysWithoutPermissions(IServiceProvider services, WorkflowServerOptions options)
    {
        ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Server");
        foreach (ApiKey key in options.ApiKeys.Where(k => k.Permissions.Count == 0))
        {
            ServerLog.KeyWithoutPermissions(logger, key.Name, string.Join(", ", Permissions.OfKey(key).Select(Permissions.Name)));
        }
    }

    /// <summary>
    /// Adds the middleware the API relies on, in the order it needs: CORS (so browser preflights are
    /// answered before authentication), rate limiting, authentication and authorization. Call it
    /// before <see cref="MapWorkflows"/>, and before your own <c>UseAuthentication</c>/<c>UseAuthorization</c> if you have them.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <returns>The app.</returns>
    public static IApplicationBuilder UseWorkflowServer(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        WorkflowServerOptions options = app.ApplicationServices.GetRequiredService<IOptions<WorkflowServerOptions>>().Value;

        // Under the server's paths (API, health, dashboard), even the answers routing gives on its own
        // (no such route, wrong method, not JSON) are problems; the app's other paths are its own.
        PathString[] owned = [options.ApiPath, HealthPath, options.DashboardPath];
        app.UseWhen(context => owned.Any(path => context.Request.Path.StartsWithSegments(path)), branch => branch.UseStatusCodePages(StatusProblems.WriteAsync));
        app.UseCors();

        // Authentication before the rate limiter, so users of the app's default scheme get a bucket of their own.
        if (!app.Properties.ContainsKey("__AuthenticationMiddlewareSet"))
        {
            app.UseAuthentication();
        }

        app.UseRateLimiter();

        if (!app.Properties.ContainsKey("__AuthorizationMiddlewareSet"))
        {
            app.UseAuthorization();
        }

        app.Properties[MiddlewareAdded] = true;
        return app;
    }

    /// <summary>
    /// Maps the Workflows API (under <c>/api</c>), its OpenAPI document (<c>/api/openapi/workflows.json</c>),
    /// the health endpoints (<c>/health/live</c>, <c>/health/ready</c>) and the dashboard (<c>/dashboard</c>).
    /// Every API endpoint requires an API key, is rate limited per key and answers errors as problem details.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <returns>The API's route group, to add conventions to.</returns>
    /// <exception cref="InvalidOperationException"><c>AddServer()</c> or <c>UseWorkflowServer()</c> was not called.</exception>
    public static RouteGroupBuilder MapWorkflows(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<WorkflowCatalog>() is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddWorkflows().Use…(store).AddServer() before app.MapWorkflows(): it registers what the API needs.");
        }

        if (endpoints is IApplicationBuilder app && !app.Properties.ContainsKey(MiddlewareAdded))
        {
            throw new InvalidOperationException(
                "Call app.UseWorkflowServer() before app.MapWorkflows(): it adds the CORS, rate-limiting, authentication and authorization middleware the Workflows API relies on.");
        }

        WorkflowServerOptions options = endpoints.ServiceProvider.GetRequiredService<IOptions<WorkflowServerOptions>>().Value;
        RouteGroupBuilder api = endpoints.MapGroup(options.ApiPath)
            .RequireAuthorization(WorkflowServer.AuthorizationPolicy)
            .RequireRateLimiting(WorkflowsRateLimitPolicy.Name)
            .RequireCors(WorkflowServer.CorsPolicy)
            .AddEndpointFilter<ProblemFilter>()
            .AddEndpointFilter<PermissionFilter>()
            .AddEndpointFilter<CrossSiteRequestFilter>()
            .WithGroupName(WorkflowServer.DocumentName)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        WorkflowEndpoints.Map(api);
        RunEndpoints.Map(api);
        RunControlEndpoints.Map(api);
        ScheduleEndpoints.Map(api);
        TaskEndpoints.Map(api);
        WebhookEndpoints.Map(api);
        CallerEndpoints.Map(api);
        AccessEndpoints.Map(api);
        WorkflowTools.Map(api);
        // Only the one document: another name is no route (a 404 problem), not the OpenAPI package's plain-text 404.
        api.MapOpenApi("/openapi/{documentName:regex(^" + WorkflowServer.DocumentName + "$)}.json").Requires(WorkflowPermission.Read, "read the API's description");
        WarnAboutKeysWithoutPermissions(endpoints.ServiceProvider, options);

        endpoints.MapHealthChecks($"{HealthPath}/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthAnswers.WriteAsync }).AllowAnonymous().DisableRateLimiting();
        endpoints.MapHealthChecks($"{HealthPath}/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(WorkflowServer.ReadyTag), ResponseWriter = HealthAnswers.WriteAsync }).AllowAnonymous().DisableRateLimiting();
        if (options.Dashboard)
        {
            DashboardEndpoints.Map(endpoints, options);
        }

        return api;
    }
}
