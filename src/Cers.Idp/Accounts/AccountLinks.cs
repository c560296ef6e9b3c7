using Cers.Idp.Oidc;

namespace Cers.Idp.Accounts;

/// <summary>
/// Absolute links for emails, on the provider's <see cref="PublicOrigin"/> (never a request's Host header).
/// </summary>
public sealed class AccountLinks(PublicOrigin origin)
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

    private string Absolute(string relative) => new Uri(origin.Base, relative).ToString();
}
