using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Accounts;

/// <summary>A CERS account: one person, one sign-in. Identity's columns plus the names CERS shows.</summary>
public sealed class CersUser : IdentityUser
{
    [PersonalData]
    public string FirstName { get; set; } = "";

    [PersonalData]
    public string LastName { get; set; } = "";

    public string DisplayName => $"{FirstName} {LastName}".Trim();
}
