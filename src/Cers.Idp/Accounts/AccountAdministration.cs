using Cers.Idp.Audit;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Cers.Idp.Accounts;

/// <summary>What a CERS admin (CalEPA help desk) does to an account: find it, disable it, enable it again.</summary>
public sealed partial class AccountAdministration(
    IdpDbContext db,
    UserManager<CersUser> users,
    TokenRevocation revocation,
    AuditLog audit,
    ILogger<AccountAdministration> logger)
{
    public const int SearchLimit = 50;

    /// <summary>Accounts whose username or email starts with <paramref name="term"/> (case-insensitive), at most <see cref="SearchLimit"/>.</summary>
    public async Task<IReadOnlyList<CersUser>> SearchAsync(string term, CancellationToken cancellationToken)
    {
        var name = users.NormalizeName(term.Trim());
        var email = users.NormalizeEmail(term.Trim());
        return await db.Users.AsNoTracking()
            .Where(u => u.NormalizedUserName!.StartsWith(name) || u.NormalizedEmail!.StartsWith(email))
            .OrderBy(u => u.NormalizedUserName)
            .Take(SearchLimit)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Disables an active account: it can no longer sign in, a new security stamp ends its sessions,
    /// and its authorizations and refresh tokens are revoked, in one transaction.
    /// </summary>
    public async Task<bool> DisableAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        var disabled = false;
        await db.InTransactionAsync(async ct =>
        {
            var user = await users.FindByIdAsync(userId);
            if (user is not { Status: AccountStatus.Active })
            {
                return;
            }

            user.Status = AccountStatus.Disabled;
            var updated = await users.UpdateSecurityStampAsync(user);
            if (!updated.Succeeded)
            {
                return;
            }

            audit.Add(AuditKinds.Disabled, user.Id, user.UserName, $"by {adminUserName}");
            await db.SaveChangesAsync(ct);
            await revocation.RevokeAllAsync(user, "account disabled", ct);
            disabled = true;
        }, cancellationToken);

        if (disabled)
        {
            LogDisabled(logger, userId, adminUserName);
        }

        return disabled;
    }

    public async Task<bool> EnableAsync(string userId, string adminUserName, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is not { Status: AccountStatus.Disabled })
        {
            return false;
        }

        user.Status = AccountStatus.Active;
        audit.Add(AuditKinds.Enabled, user.Id, user.UserName, $"by {adminUserName}");
        return (await users.UpdateAsync(user)).Succeeded;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {UserId} disabled by {Admin}; its tokens are revoked")]
    private static partial void LogDisabled(ILogger logger, string userId, string admin);
}
