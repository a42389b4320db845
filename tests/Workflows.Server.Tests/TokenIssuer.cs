using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Workflows.Server.Tests;

/// <summary>Signs JWT bearer tokens for people in tests, with a key the test makes, and lets a server accept them.</summary>
internal sealed class TokenIssuer
{
    private const string Issuer = "https://id.example.com";
    private const string Audience = "workflows";
    private readonly SymmetricSecurityKey _signing = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Names the JWT bearer scheme among the server's authentication schemes.</summary>
    public static void Name(Dictionary<string, string?> settings) => settings["Workflows:Server:AuthenticationSchemes:0"] = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Makes the server accept this issuer's tokens.</summary>
    public void Accept(IServiceCollection services)
    {
        services.AddAuthentication().AddJwtBearer(jwt => jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _signing,
        });
    }

    /// <summary>A token for user <paramref name="id"/> with <paramref name="roles"/>, signed by this issuer (or <paramref name="signing"/>).</summary>
    public string Token(string id, string name, string[] roles, SymmetricSecurityKey? signing = null, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = id, ["name"] = name };
        if (roles.Length > 0)
        {
            claims["roles"] = roles;
        }

        DateTime until = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            NotBefore = until.AddMinutes(-30),
            IssuedAt = until.AddMinutes(-30),
            Expires = until,
            SigningCredentials = new SigningCredentials(signing ?? _signing, SecurityAlgorithms.HmacSha256),
        });
    }
}
