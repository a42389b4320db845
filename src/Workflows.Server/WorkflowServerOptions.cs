namespace Workflows.Server;

/// <summary>
/// How the Workflows HTTP server is secured and bounded. Bound from configuration
/// (<c>Workflows:Server</c> by default); checked when the app starts, so a mistake stops the start
/// with a message saying which setting is wrong.
/// </summary>
/// <example>
/// <code>
/// "Workflows": {
///   "Server": {
///     "ApiKeys": [ { "Name": "ops", "Key": "a-long-random-secret-of-32-characters" },
///                  { "Name": "billing", "Key": "another-random-secret", "Permissions": [ "Read", "Start" ] } ],
///     "AuthenticationSchemes": [ "Bearer" ],
///     "Roles": { "approvers": [ "Read", "Answer" ], "ops": [ "Read", "Operate", "Administer" ] },
///     "Cors": { "Origins": [ "https://ops.example.com" ] },
///     "RateLimit": { "PermitsPerSecond": 50, "Burst": 100 }
///   }
/// }
/// </code>
/// </example>
public sealed class WorkflowServerOptions
{
    /// <summary>The configuration section bound by default.</summary>
    public const string Section = "Workflows:Server";

    /// <summary>
    /// The API keys callers send as <c>Authorization: Bearer &lt;key&gt;</c>. At least one is required
    /// unless <see cref="AuthenticationSchemes"/> names a scheme of the app's; every endpoint but health
    /// needs a key or a user of such a scheme.
    /// </summary>
    public IList<ApiKey> ApiKeys { get; } = [];

    /// <summary>
    /// Authentication schemes the app configures whose users may call the API besides API keys, such as
    /// <c>Bearer</c> (<c>AddJwtBearer()</c>) or a cookie scheme behind OpenID Connect. A user of one is a
    /// person: an id (<c>sub</c> or the name identifier claim), a display name (<c>name</c>) and roles
    /// (role claims), with the permissions <see cref="Roles"/> grants those roles.
    /// </summary>
    public IList<string> AuthenticationSchemes { get; } = [];

    /// <summary>
    /// The permissions each role grants to users of <see cref="AuthenticationSchemes"/>, by role name
    /// (<c>"Roles": { "approvers": [ "Read", "Answer" ] }</c>). A user has the permissions of all their roles.
    /// </summary>
    public IDictionary<string, IList<WorkflowPermission>> Roles { get; } = new Dictionary<string, IList<WorkflowPermission>>(StringComparer.Ordinal);

    /// <summary>Which browser origins may call the API (CORS). Empty: none but the server's own (the dashboard).</summary>
    public CorsSettings Cors { get; set; } = new();

    /// <summary>Requests per API key (and, before a key is checked, per client address).</summary>
    public RateLimitSettings RateLimit { get; set; } = new();

    /// <summary>The largest request body accepted, in bytes; larger ones get 413. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Where the API is mapped. Default <c>/api</c>.</summary>
    public string ApiPath { get; set; } = "/api";

    /// <summary>
    /// Where people sign in to the app (a cookie scheme's login page, behind OpenID Connect or not),
    /// such as <c>/account/login</c>: the dashboard's sign-in offers it beside the API key and sends
    /// <c>ReturnUrl</c> back to the dashboard. A person signed in with a cookie of a scheme in
    /// <see cref="AuthenticationSchemes"/> uses the dashboard as themselves. Default none: keys only.
    /// </summary>
    public string? SignInPath { get; set; }

    /// <summary>Where people signed in with a cookie sign out (the dashboard's Sign out goes there). Default none.</summary>
    public string? SignOutPath { get; set; }

    /// <summary>Whether to serve the dashboard at <see cref="DashboardPath"/>. Default true.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>Where the dashboard is served. Default <c>/dashboard</c>.</summary>
    public string DashboardPath { get; set; } = "/dashboard";

    /// <summary>How often an idle server-sent event stream sends a comment, so proxies keep it open. Default 15 seconds.</summary>
    public TimeSpan StreamHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Webhook delivery.</summary>
    public WebhookSettings Webhooks { get; set; } = new();
}

/// <summary>An API key and the name it is known by (in logs, rate limits and the dashboard).</summary>
public sealed class ApiKey
{
    /// <summary>Who or what holds the key: <c>ops</c>, <c>billing-service</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The secret: at least 16 characters, random (<c>openssl rand -base64 32</c>).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>
    /// Whether the key may operate runs: cancel, suspend, resume, retry and purge (the dashboard shows
    /// those buttons only to such keys). Default <see langword="true"/>; set <see langword="false"/> for a
    /// service that only starts runs, answers and reads. Used only when <see cref="Permissions"/> is empty.
    /// </summary>
    public bool CanOperate { get; set; } = true;

    /// <summary>
    /// What the key may do (<c>"Permissions": [ "Read", "Start" ]</c>). Empty, as in configuration written
    /// before permissions existed: every permission (<see cref="WorkflowPermission.Operate"/> only with
    /// <see cref="CanOperate"/>), and the server warns at start-up.
    /// </summary>
    public IList<WorkflowPermission> Permissions { get; } = [];
}

/// <summary>What a caller may do through the server; granted per API key and per role.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A permission is what it is: the name says what configuration lists.")]
public enum WorkflowPermission
{
    /// <summary>See workflows, runs, their journals and streams, schedules and the task inbox.</summary>
    Read,

    /// <summary>Start runs.</summary>
    Start,

    /// <summary>Answer runs: send the events they take from outside.</summary>
    Answer,

    /// <summary>Cancel, suspend, resume, retry and purge runs.</summary>
    Operate,

    /// <summary>Manage webhooks and schedules.</summary>
    Administer,
}

/// <summary>Cross-origin access for browsers.</summary>
public sealed class CorsSettings
{
    /// <summary>Origins allowed to call the API from a browser, exactly as the browser sends them (<c>https://ops.example.com</c>).</summary>
    public IList<string> Origins { get; } = [];
}

/// <summary>A token bucket per API key.</summary>
public sealed class RateLimitSettings
{
    /// <summary>Requests per second a key may make on average. Default 100.</summary>
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>How many requests a key may make at once after being idle. Default 200.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests per minute from one client address without a valid key (failed sign-ins, probes). Default 60.</summary>
    public int AnonymousPermitsPerMinute { get; set; } = 60;
}

/// <summary>Webhook delivery: retries and which addresses may be called.</summary>
public sealed class WebhookSettings
{
    /// <summary>Whether to run the dispatcher that sends deliveries in this process. Default true.</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>How many attempts a delivery gets before it is given up. Default 12 (about 17 hours with the default delays).</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>The delay after the first failed attempt; each next one doubles, with jitter. Default 5 seconds.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between attempts. Default 4 hours.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long one attempt may take. Default 10 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for new run changes and due deliveries. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Networks webhooks may reach although they are not public (loopback, private, link-local), in CIDR
    /// notation: <c>10.20.0.0/16</c>, <c>127.0.0.1/32</c>. Empty by default: only public addresses.
    /// Plain <c>http://</c> URLs are accepted only for hosts in these networks.
    /// </summary>
    public IList<string> AllowedNetworks { get; } = [];
}
