using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Server.Tests;

/// <summary>
/// People who sign in to the app with a cookie, as an app behind OpenID Connect would have them: the
/// cookie scheme, a login page (<c>/test-login?as=bo</c>, then back to <c>ReturnUrl</c>) that signs in a
/// known person with their roles, and a logout page.
/// </summary>
internal static class CookieAccounts
{
    public const string SignIn = "/test-login";
    public const string SignOut = "/test-logout";

    private static readonly Dictionary<string, (string Id, string Name, string[] Roles)> People = new(StringComparer.Ordinal)
    {
        ["bo"] = ("u-bo", "Bo Silva", ["legal"]),
        ["eve"] = ("u-eve", "Eve", []),
    };

    /// <summary>Names the cookie scheme among the server's, grants the legal role read and answer, and sets the sign-in and sign-out pages.</summary>
    public static void Name(Dictionary<string, string?> settings)
    {
        settings["Workflows:Server:AuthenticationSchemes:0"] = CookieAuthenticationDefaults.AuthenticationScheme;
        settings["Workflows:Server:Roles:legal:0"] = "Read";
        settings["Workflows:Server:Roles:legal:1"] = "Answer";
        settings["Workflows:Server:SignInPath"] = SignIn;
        settings["Workflows:Server:SignOutPath"] = SignOut;
    }

    /// <summary>Adds the cookie scheme and the login and logout pages.</summary>
    public static void Accept(IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(cookie =>
        {
            cookie.LoginPath = SignIn;

            // The pages below are mapped branches, whose path base would otherwise become the cookie's path.
            cookie.Cookie.Path = "/";
        });
        services.AddSingleton<IStartupFilter, Pages>();
    }

    private sealed class Pages : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map(SignIn, login => login.Run(async context =>
            {
                (string id, string name, string[] roles) = People[context.Request.Query["as"].FirstOrDefault() ?? "bo"];
                var identity = new ClaimsIdentity(
                    [new Claim("sub", id), new Claim("name", name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
                    CookieAuthenticationDefaults.AuthenticationScheme);
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
                string back = context.Request.Query["ReturnUrl"].FirstOrDefault() ?? "/dashboard/";
                context.Response.Redirect(back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/dashboard/");
            }));
            app.Map(SignOut, logout => logout.Run(async context =>
            {
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                context.Response.Redirect("/dashboard/");
            }));
            next(app);
        };
    }
}
