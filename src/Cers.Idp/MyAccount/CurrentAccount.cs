using System.Security.Claims;
using Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.MyAccount;

public static class CurrentAccount
{
    /// <summary>
    /// The signed-in person's account, if it may still be used: a session outliving a disable (until its next
    /// stamp check) must not change anything.
    /// </summary>
    public static async Task<CersUser?> ActiveAccountAsync(this UserManager<CersUser> users, ClaimsPrincipal principal) =>
        await users.GetUserAsync(principal) is { Status: AccountStatus.Active } user ? user : null;
}
