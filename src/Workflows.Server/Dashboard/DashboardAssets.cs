using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Workflows.Server.Dashboard;

/// <summary>The dashboard's files, read from this assembly's resources once; large scripts are gzipped once too.</summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";
    private readonly FrozenDictionary<string, Lazy<Asset>> _assets;

    public DashboardAssets(string apiPath)
    {
        Assembly assembly = typeof(DashboardAssets).Assembly;
        _assets = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(
                name => name[Prefix.Length..].Replace('\\', '/'),
                name => new Lazy<Asset>(() => Load(assembly, name, apiPath)),
                StringComparer.Ordinal);
    }

    public Asset? Find(string file) => _assets.TryGetValue(file, out Lazy<Asset>? asset) ? asset.Value : null;

    private static Asset Load(Assembly assembly, string name, string apiPath)
    {
        using Stream stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();
        bool page = name.EndsWith(".html", StringComparison.Ordinal);
        if (page)
        {
            // The page learns where the API is from the server that serves it.
            content = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace("{{API_PATH}}", apiPath, StringComparison.Ordinal));
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
