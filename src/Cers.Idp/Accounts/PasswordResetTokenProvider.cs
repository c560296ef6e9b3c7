using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Accounts;

/// <summary>
/// Password reset tokens: the user's id, the purpose and the security stamp, protected with the
/// shared Data Protection key ring and stamped with their creation time. Good for one hour
/// (DESIGN.md), and for one use, because a reset changes the security stamp. Identity's own
/// DataProtectorTokenProvider reads the system clock directly; this one reads the injected
/// <see cref="TimeProvider"/>, so the one-hour rule is tested with a clock the test controls.
/// </summary>
public sealed class PasswordResetTokenProvider(IDataProtectionProvider protection, TimeProvider time) : IUserTwoFactorTokenProvider<CersUser>
{
    public const string ProviderName = "CersPasswordReset";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly IDataProtector _protector = protection.CreateProtector("Cers.Idp.PasswordReset.v1");

    public async Task<string> GenerateAsync(string purpose, UserManager<CersUser> manager, CersUser user)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(time.GetUtcNow().UtcTicks);
            writer.Write(await manager.GetUserIdAsync(user));
            writer.Write(purpose);
            writer.Write(manager.SupportsUserSecurityStamp ? await manager.GetSecurityStampAsync(user) ?? "" : "");
        }

        return Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(_protector.Protect(buffer.ToArray()));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<CersUser> manager, CersUser user)
    {
        try
        {
            var payload = _protector.Unprotect(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(token));
            using var reader = new BinaryReader(new MemoryStream(payload), System.Text.Encoding.UTF8);
            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var userId = reader.ReadString();
            var tokenPurpose = reader.ReadString();
            var stamp = reader.ReadString();

            return time.GetUtcNow() < created + Lifetime
                && userId == await manager.GetUserIdAsync(user)
                && tokenPurpose == purpose
                && (!manager.SupportsUserSecurityStamp || stamp == (await manager.GetSecurityStampAsync(user) ?? ""));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or EndOfStreamException or IOException)
        {
            // Altered, truncated, or protected with a key this ring does not have.
            return false;
        }
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<CersUser> manager, CersUser user) => Task.FromResult(false);
}
