using Microsoft.Playwright;
using Workflows.Testing;

namespace Workflows.Server.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright, one per test class: scripts/chromium.sh installs it if it
/// is missing and says where it is; Playwright never downloads a browser. Fails, never skips, when
/// there is no browser.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    /// <summary>Where the tests leave screenshots for people to look at (the repository's artifacts/ folder).</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(RepositoryPaths.Combine("artifacts", "dashboard")).FullName;

    public async Task InitializeAsync()
    {
        string executable = await RepositoryScript.LastLineAsync("chromium.sh");
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,

            // Containers and CI machines run as root without user namespaces, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh page (its own storage) of the given width, recording every console error and page error.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(int width = 1280, int height = 900, bool phone = false)
    {
        IBrowserContext context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = phone,
            HasTouch = phone,
            DeviceScaleFactor = phone ? 2 : 1,
        });
        IPage page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add($"console: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"page error: {error}");
            }
        };
        return (page, errors);
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
