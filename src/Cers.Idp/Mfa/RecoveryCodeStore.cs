using System.Security.Cryptography;
using System.Text;
using Cers.Idp.Accounts;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Cers.Idp.Mfa;

/// <summary>
/// Identity's user store with recovery codes kept as SHA-256 hashes: the default store writes them into
/// AspNetUserTokens in plain text, so anyone who reads the table (a backup, a read-only SQL account) could
/// sign in as everyone who enrolled. A code has 50 random bits (Identity's generator), so an unsalted fast
/// hash is enough: there is no dictionary to try. Codes are compared in upper case without spaces, as a
/// person may type them.
/// </summary>
public sealed class RecoveryCodeStore(IdpDbContext context, IdentityErrorDescriber? describer = null)
    : UserStore<CersUser, IdentityRole, IdpDbContext>(context, describer)
{
    /// <summary>Where the hashes are kept (AspNetUserTokens.LoginProvider and Name).</summary>
    public const string LoginProvider = AuthenticatorCodeProvider.TokenLoginProvider;
    public const string HashesName = "RecoveryCodeHashes";

    public override Task ReplaceCodesAsync(CersUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, LoginProvider, HashesName, string.Join(";", recoveryCodes.Select(Hash)), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(CersUser user, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var hashes = await StoredAsync(user, cancellationToken);
        var hash = Hash(code);
        if (!hashes.Contains(hash, StringComparer.Ordinal))
        {
            return false;
        }

        await SetTokenAsync(user, LoginProvider, HashesName, string.Join(";", hashes.Where(h => h != hash)), cancellationToken);
        return true;
    }

    public override async Task<int> CountCodesAsync(CersUser user, CancellationToken cancellationToken) =>
        (await StoredAsync(user, cancellationToken)).Length;

    /// <summary>What a stored code looks like: the hex SHA-256 of the code in upper case without spaces.</summary>
    public static string Hash(string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code.Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant())));

    private async Task<string[]> StoredAsync(CersUser user, CancellationToken cancellationToken) =>
        (await GetTokenAsync(user, LoginProvider, HashesName, cancellationToken) ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries);
}
