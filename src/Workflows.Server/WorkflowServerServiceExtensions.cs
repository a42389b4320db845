using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Workflows.Hosting;
using Workflows.Server.Api;
using Workflows.Server.Security;
using Workflows.Server.Webhooks;

namespace Workflows.Server;

/// <summary>Adds the Workflows HTTP server to an ASP.NET Core app.</summary>
public static class WorkflowServerServiceExtensions
{
    /// <summary>
    /// Serves the runtime's durable workflows over HTTP: registers the API's services, API-key
    /// authentication, rate limiting, CORS, problem details, health checks, the OpenAPI document
    /// and the webhook dispatcher. Settings bind from <c>Workflows:Server</c> and are checked at start.
    /// Then call <c>app.UseWorkflowServer()</c> and <c>app.MapWorkflows()</c>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddWorkflows()</c>, with a store.</param>
    /// <param name="configure">Changes the settings after configuration is bound.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddWorkflows()
    ///     .UseSqlite("workflows.db")
    ///     .AddDurableWorkflow&lt;ReviewFlow&gt;(ReviewJson.Default)
    ///     .AddServer();
    /// var app = builder.Build();
    /// app.UseWorkflowServer();
    /// app.MapWorkflows();
    /// </code>
    /// </example>
    public static WorkflowsBuilder AddServer(this WorkflowsBuilder builder, Action<WorkflowServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        OptionsBuilder<WorkflowServerOptions> options = services.AddOptions<WorkflowServerOptions>().BindConfiguration(WorkflowServerOptions.Section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkflowServerOptions>, WorkflowServerOptionsValidator>());

        services.AddProblemDetails();
        // The core of authentication only: API keys need no cookies, so no data-protection key ring either.
        services.AddAuthenticationCore(authentication => authentication.AddScheme<ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, "Workflows API key"));
        services.AddWebEncoders();
        services.AddAuthorization();
        services.AddSingleton<IConfigureOptions<AuthorizationOptions>, ConfigureAuthorization>();
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, WorkflowsRateLimitPolicy>(WorkflowsRateLimitPolicy.Name));
        services.AddCors();
        services.AddSingleton<IConfigureOptions<CorsOptions>, ConfigureCors>();
        services.AddHealthChecks().AddCheck<WorkflowStoreHealthCheck>("workflow-store", tags: [WorkflowServer.ReadyTag]);
        services.AddOpenApi(WorkflowServer.DocumentName, openApi =>
        {
            openApi.ShouldInclude = description => description.GroupName == WorkflowServer.DocumentName;
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Workflows API",
                    Version = "v1",
                    Description = "Durable workflow runs over HTTP: start runs, follow their events, answer their questions, subscribe to their changes.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key from Workflows:Server:ApiKeys, sent as 'Authorization: Bearer <key>'.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", document)] = [] }];
                return Task.CompletedTask;
            });
        });

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiKeyRing>();
        services.TryAddSingleton<WorkflowCatalog>();
        services.TryAddSingleton<HumanTasks>();
        services.AddMcpServer().WithHttpTransport(http => http.Stateless = true);
        services.AddSingleton<IConfigureOptions<ModelContextProtocol.Server.McpServerOptions>, WorkflowTools.Configure>();
        services.TryAddSingleton(provider => new WebhookAddressPolicy(provider.GetRequiredService<IOptions<WorkflowServerOptions>>().Value.Webhooks.AllowedNetworks));
        services.TryAddSingleton(provider => new WebhookSender(
            WebhookHttp.CreateClient(provider.GetRequiredService<WebhookAddressPolicy>()),
            provider.GetRequiredService<WebhookAddressPolicy>(),
            provider.GetRequiredService<IOptions<WorkflowServerOptions>>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<WebhookOutbox>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        return builder;
    }

    /// <summary>
    /// The API's policy: an authenticated caller, by API key or by one of the app's schemes named in
    /// the settings. The API key scheme comes last: its challenge writes the 401 problem, after the
    /// others have added their WWW-Authenticate headers.
    /// </summary>
    private sealed class ConfigureAuthorization(IOptions<WorkflowServerOptions> server) : IConfigureOptions<AuthorizationOptions>
    {
        public void Configure(AuthorizationOptions options) => options.AddPolicy(WorkflowServer.AuthorizationPolicy, policy => policy
            .AddAuthenticationSchemes([.. server.Value.AuthenticationSchemes.Distinct(StringComparer.Ordinal), ApiKeyAuthenticationHandler.SchemeName])
            .RequireAuthenticatedUser());
    }

    /// <summary>The CORS policy from the bound settings.</summary>
    private sealed class ConfigureCors(IOptions<WorkflowServerOptions> server) : IConfigureOptions<CorsOptions>
    {
        public void Configure(CorsOptions options) => options.AddPolicy(WorkflowServer.CorsPolicy, policy => policy
            .WithOrigins([.. server.Value.Cors.Origins])
            .WithMethods("GET", "POST", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID")
            .WithExposedHeaders("Location", "Retry-After", "Idempotent-Replayed")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
    }
}

/// <summary>Names the server registers its parts under.</summary>
public static class WorkflowServer
{
    /// <summary>The authorization policy every API endpoint requires: a valid API key or a user of a scheme in <see cref="WorkflowServerOptions.AuthenticationSchemes"/>.</summary>
    public const string AuthorizationPolicy = "Workflows";

    /// <summary>The CORS policy of the API.</summary>
    public const string CorsPolicy = "Workflows";

    /// <summary>The OpenAPI document's name (served at <c>{ApiPath}/openapi/workflows.json</c>).</summary>
    public const string DocumentName = "workflows";

    /// <summary>The health-check tag of what readiness checks.</summary>
    public const string ReadyTag = "ready";
}
