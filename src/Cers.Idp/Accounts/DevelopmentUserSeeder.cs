using System.Security.Claims;
using Cers.Idp.Oidc;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Accounts;

/// <summary>The <c>Seed</c> section: accounts created in Development only, so the sign-in flow can be tried at once.</summary>
public sealed class DevelopmentSeedOptions
{
    public const string SectionName = "Seed";

    public List<SeedUser> Users { get; set; } = [];
}

public sealed class SeedUser
{
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public string Email { get; set; } = "";
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    /// <summary>One the phrase generator can produce (see <c>ProtectionPhrases</c>); left empty, the account is shown its decoy.</summary>
    public string ProtectionPhrase { get; set; } = "";
    public List<string> Roles { get; set; } = [];
    public string? AgencyCode { get; set; }
}

public sealed partial class DevelopmentUserSeeder(
    UserManager<CersUser> users,
    IOptions<DevelopmentSeedOptions> options,
    TimeProvider time,
    ILogger<DevelopmentUserSeeder> logger)
{
    public async Task SeedAsync()
    {
        foreach (var seed in options.Value.Users)
        {
            if (await users.FindByNameAsync(seed.UserName) is not null)
            {
                continue;
            }

            var user = new CersUser
            {
                UserName = seed.UserName,
                Email = seed.Email,
                EmailConfirmed = true,
                FirstName = seed.FirstName,
                LastName = seed.LastName,
                ProtectionPhrase = Cers.Idp.SignIn.ProtectionPhrases.IsGenerated(seed.ProtectionPhrase) ? seed.ProtectionPhrase : "",
                Status = AccountStatus.Active,
                RegisteredAt = time.GetUtcNow().UtcDateTime,
                ActivatedAt = time.GetUtcNow().UtcDateTime,
            };

            var created = await users.CreateAsync(user, seed.Password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException(
                    $"Seed user '{seed.UserName}' is invalid: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            }

            var claims = seed.Roles.Select(role => new Claim(OpenIddict.Abstractions.OpenIddictConstants.Claims.Role, role)).ToList();
            if (!string.IsNullOrWhiteSpace(seed.AgencyCode))
            {
                claims.Add(new Claim(CersClaims.AgencyCode, seed.AgencyCode));
            }

            if (claims.Count > 0)
            {
                await users.AddClaimsAsync(user, claims);
            }

            LogSeeded(logger, seed.UserName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Development account {UserName} seeded")]
    private static partial void LogSeeded(ILogger logger, string userName);
}
