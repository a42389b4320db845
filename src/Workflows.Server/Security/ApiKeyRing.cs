using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Workflows.Server.Security;

/// <summary>
/// The configured API keys, kept as SHA-256 hashes and compared in constant time: every key is
/// compared, matched or not, so the time a check takes says nothing about which keys exist.
/// </summary>
internal sealed class ApiKeyRing
{
    private readonly (string Name, byte[] Hash, WorkflowPermission[] Permissions)[] _keys;

    public ApiKeyRing(IOptions<WorkflowServerOptions> options)
    {
        _keys = [.. options.Value.ApiKeys.Select(k => (k.Name, Hash(k.Key), Permissions.OfKey(k)))];
    }

    /// <summary>What the Authorization header says: no key, a malformed header, a valid key's name, or an unknown key.</summary>
    public ApiKeyCheck Check(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return ApiKeyCheck.Missing;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= "Bearer ".Length)
        {
            return ApiKeyCheck.Malformed;
        }

        byte[] presented = Hash(header["Bearer ".Length..].Trim());
        string? name = null;
        WorkflowPermission[] granted = [];
        foreach ((string keyName, byte[] hash, WorkflowPermission[] permissions) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, hash))
            {
                name = keyName;
                granted = permissions;
            }
        }

        return name is null ? ApiKeyCheck.Unknown : ApiKeyCheck.Valid(name, granted);
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>The outcome of checking a request's API key.</summary>
/// <param name="Outcome">What was found.</param>
/// <param name="Name">The key's name, when valid.</param>
/// <param name="Permissions">What the key may do, when valid.</param>
internal readonly record struct ApiKeyCheck(ApiKeyOutcome Outcome, string? Name, WorkflowPermission[]? Permissions = null)
{
    public static ApiKeyCheck Missing => new(ApiKeyOutcome.Missing, null);

    public static ApiKeyCheck Malformed => new(ApiKeyOutcome.Malformed, null);

    public static ApiKeyCheck Unknown => new(ApiKeyOutcome.Unknown, null);

    public static ApiKeyCheck Valid(string name, WorkflowPermission[] permissions) => new(ApiKeyOutcome.Valid, name, permissions);
}

/// <summary>What a request's Authorization header held.</summary>
internal enum ApiKeyOutcome
{
    Missing,
    Malformed,
    Unknown,
    Valid,
}
