using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Workflows.Server.Webhooks;

/// <summary>
/// Signs webhook deliveries as the Standard Webhooks specification does, and checks them on the
/// receiving side: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c> with the
/// subscription's secret, sent as <c>webhook-signature: v1,&lt;base64&gt;</c>. The timestamp is part
/// of what is signed, so a receiver that rejects old timestamps also rejects replays.
/// </summary>
/// <example>
/// A receiver:
/// <code>
/// bool genuine = WebhookSignature.Verify(secret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"],
///     body, request.Headers["webhook-signature"], tolerance: TimeSpan.FromMinutes(5));
/// </code>
/// </example>
public static class WebhookSignature
{
    /// <summary>What every secret starts with.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>A new random secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    /// <returns>The secret.</returns>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether a secret is well formed: <c>whsec_</c> and 24 to 64 bytes in base64.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>Whether it can sign.</returns>
    public static bool IsValidSecret(string secret) => TryKey(secret, out byte[]? key) && key.Length is >= 24 and <= 64;

    /// <summary>The <c>webhook-signature</c> header value for a delivery.</summary>
    /// <param name="secret">The subscription's secret.</param>
    /// <param name="messageId">The <c>webhook-id</c>.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> (sent in Unix seconds).</param>
    /// <param name="body">The exact body sent.</param>
    /// <returns><c>v1,&lt;base64 signature&gt;</c>.</returns>
    public static string Sign(string secret, string messageId, DateTimeOffset timestamp, string body) =>
        "v1," + Convert.ToBase64String(Compute(Key(secret), messageId, Seconds(timestamp), body));

    /// <summary>The <c>webhook-timestamp</c> header value for a time.</summary>
    /// <param name="timestamp">The time.</param>
    /// <returns>Unix seconds.</returns>
    public static string Seconds(DateTimeOffset timestamp) => timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks a delivery: the signature matches (compared in constant time) and the timestamp is within
    /// <paramref name="tolerance"/> of now.
    /// </summary>
    /// <param name="secret">The subscription's secret.</param>
    /// <param name="messageId">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="body">The body exactly as received.</param>
    /// <param name="signatures">The <c>webhook-signature</c> header: one or more space-separated <c>v1,&lt;base64&gt;</c>.</param>
    /// <param name="tolerance">How old (or how far ahead) the timestamp may be.</param>
    /// <param name="time">The clock; default the system's.</param>
    /// <returns>Whether the delivery is genuine and fresh.</returns>
    public static bool Verify(string secret, string? messageId, string? timestamp, string body, string? signatures, TimeSpan tolerance, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (messageId is null || signatures is null || !TryKey(secret, out byte[]? key)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            return false;
        }

        long now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        byte[] expected = Compute(key, messageId, timestamp!, body);
        bool genuine = false;
        foreach (string signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (signature.StartsWith("v1,", StringComparison.Ordinal)
                && TryBase64(signature[3..], out byte[]? presented)
                && CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                genuine = true;
            }
        }

        return genuine;
    }

    private static byte[] Compute(byte[] key, string messageId, string timestamp, string body) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));

    private static byte[] Key(string secret) =>
        TryKey(secret, out byte[]? key) ? key : throw new ArgumentException("A webhook secret is 'whsec_' followed by base64.", nameof(secret));

    private static bool TryKey(string? secret, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? key)
    {
        key = null;
        return secret is not null && secret.StartsWith(SecretPrefix, StringComparison.Ordinal) && TryBase64(secret[SecretPrefix.Length..], out key);
    }

    private static bool TryBase64(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, bytes, out int written) && written > 0)
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = null;
        return false;
    }
}
