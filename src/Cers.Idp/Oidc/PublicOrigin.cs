using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Oidc;

/// <summary>
/// The provider's address where no request gives it (emails, jobs): the configured issuer (required outside
/// Development), never a request's Host header, which an attacker could set to send a victim a reset link pointing at
/// their own site (password-reset poisoning). Development without an issuer uses the address the server listens on;
/// before it listens (the create-admin command runs without starting it), the configured <c>urls</c>, else the default
/// development address.
/// </summary>
public sealed class PublicOrigin(IOptions<OidcOptions> oidc, IServer server, IConfiguration configuration)
{
    /// <summary>The issuer as OpenIddict writes it in tokens and discovery.</summary>
    public string Issuer => oidc.Value.Issuer?.AbsoluteUri ?? Listening().AbsoluteUri;

    /// <summary>The origin with a trailing slash, to resolve relative links against.</summary>
    public Uri Base => oidc.Value.Issuer is { } issuer ? WithSlash(issuer.AbsoluteUri) : Listening();

    private Uri Listening()
    {
        var origin = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? "http://localhost:5001/";
        origin = origin.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
        return WithSlash(origin);
    }

    private static Uri WithSlash(string origin) => new(origin.EndsWith('/') ? origin : origin + "/");
}
