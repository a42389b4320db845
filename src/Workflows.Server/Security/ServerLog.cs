using Microsoft.Extensions.Logging;

namespace Workflows.Server.Security;

/// <summary>What the server logs about its security settings.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "API key '{Key}' lists no Permissions, so it has {Permissions}; list them (Workflows:Server:ApiKeys:n:Permissions) to grant fewer")]
    public static partial void KeyWithoutPermissions(ILogger logger, string key, string permissions);
}
