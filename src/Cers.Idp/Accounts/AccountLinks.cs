using Cers.Idp.Oidc;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Accounts;

/// <summary>
/// Absolute links for emails. They are built on the configured issuer (required outside
/// Development), never on the request's Host header, which an attacker could set to send a victim
/// a reset link pointing at their own site (password-reset poisoning). Development without an
/// issuer uses the address the server listens on; before it listens (the create-admin command runs
/// without starting it), the configured <c>urls</c>, else the default development address.
/// </summary>
public sealed class AccountLinks(IOptions<OidcOptions> oidc, IServer server, IConfiguration configuration)
{
    public string Activation(string userId, string token) =>
        Absolute($"Account/Activate?id={Uri.EscapeDataString(userId)}&token={Uri.EscapeDataString(token)}");

    public string ResetPassword(string userId, string token) =>
        Absolute($"Account/ResetPassword?id={Uri.EscapeDataString(userId)}&token={Uri.EscapeDataString(token)}");

    public string ConfirmEmail(string userId, string token) =>
        Absolute($"Account/ConfirmEmail?id={Uri.EscapeDataString(userId)}&token={Uri.EscapeDataString(token)}");

    public string SignIn() => Absolute("Account/Login");

    public string ForgotPassword() => Absolute("Account/ForgotPassword");

    public string Register() => Absolute("Account/Register");

    public string CheckEmail() => Absolute("Account/CheckEmail");

    private string Absolute(string relative)
    {
        var origin = oidc.Value.Issuer?.ToString()
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? "http://localhost:5001/";
        origin = origin.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
        return new Uri(new Uri(origin.EndsWith('/') ? origin : origin + "/"), relative).ToString();
    }
}
