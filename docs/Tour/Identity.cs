using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Tour.Identity;

public static class People
{
    public static void AddSignIn(WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddJwtBearer(jwt => { jwt.Authority = "https://id.example.com"; jwt.Audience = "workflows"; });
    }

    public static void AddCookieSignIn(WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddCookie("Cookies", cookie => cookie.LoginPath = "/account/login");
    }
}
