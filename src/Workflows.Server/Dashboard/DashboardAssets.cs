using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;

namespace Workflows.Server.Dashboard;

/// <summary>The dashboard's files, read from this assembly's resources once; large scripts are gzipped once too.</summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";
    private readonly FrozenDictionary<string, Lazy<Asset>> _assets;

    public DashboardAssets(WorkflowServerOptions options)
    {
        // The page learns where the API is, and where people sign in and out, from the server that serves it.
        (string, string)[] settings =
        [
            ("{{API_PATH}}", HtmlEncoder.Default.Encode(options.ApiPath)),
            ("{{SIGN_IN_PATH}}", HtmlEncoder.Default.Encode(options.SignInPath ?? string.Empty)),
            ("{{SIGN_OUT_PATH}}", HtmlEncoder.Default.Encode(options.SignOutPath ?? string.Empty)),
        ];
        Assembly assembly = typeof(DashboardAssets).Assembly;
        _assets = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(
                name => name[Prefix.Length..].Replace('\\', '/'),
                name => new Lazy<Asset>(() => Load(assembly, name, settings)),
                StringComparer.Ordinal);
    }

    public Asset? Find(string file) => _assets.TryGetValue(file, out Lazy<Asset>? asset) ? asset.Value : null;

    private static Asset Load(Assembly assembly, string name, (string Marker, string Value)[] settings)
    {
        using Stream stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();
        bool page = name.EndsWith(".html", StringComparison.Ordinal);
        if (page)
        {
            string text = Encoding.UTF8.GetString(content);
            foreach ((string marker, string value) in settings)
            {
                text = text.Replace(marker, value, StringComparison.Ordinal);
            }

            content = Encoding.UTF8.GetBytes(text);
        }

        string etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
        return new Asset(content, ContentType(name), etag, Immutable: name.Contains("/vendor/", StringComparison.Ordinal), content.Length > 16 * 1024 ? Gzip(content) : null);
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}

/// <summary>One dashboard file.</summary>
internal sealed record Asset(byte[] Content, string ContentType, string ETag, bool Immutable, byte[]? Compressed);
