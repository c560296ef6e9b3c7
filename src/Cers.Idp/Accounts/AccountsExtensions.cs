using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Oidc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Accounts;

public static class AccountsExtensions
{
    /// <summary>
    /// Identity's schema version: 3 adds the passkeys table. Identity's context reads it from <see cref="IdentityOptions"/>
    /// in the application's services, which the design-time factories supply too (<c>DesignTimeFactories</c>), so the
    /// running model and the migrations agree.
    /// </summary>
    public static readonly Version IdentitySchemaVersion = IdentitySchemaVersions.Version3;

    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PasswordPolicyOptions>()
            .BindConfiguration(PasswordPolicyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var minimumLength = builder.Configuration.GetSection(PasswordPolicyOptions.SectionName).Get<PasswordPolicyOptions>()?.MinimumLength
            ?? new PasswordPolicyOptions().MinimumLength;

        builder.Services.AddIdentity<CersUser, IdentityRole>(identity =>
            {
                // CERS usernames are 5-16 letters and digits.
                identity.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
                identity.User.RequireUniqueEmail = true;

                // NIST SP 800-63B section 5.1.1.2: length, no composition rules.
                identity.Password.RequiredLength = minimumLength;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 1;

                identity.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider.ProviderName;

                // Authenticator codes on the provider's clock, one step of drift, each step once (see AuthenticatorCodeProvider).
                identity.Tokens.AuthenticatorTokenProvider = Mfa.AuthenticatorCodeProvider.ProviderName;

                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = 5;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);

                identity.ClaimsIdentity.UserIdClaimType = OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject;
                identity.ClaimsIdentity.UserNameClaimType = OpenIddict.Abstractions.OpenIddictConstants.Claims.Name;
                identity.ClaimsIdentity.RoleClaimType = OpenIddict.Abstractions.OpenIddictConstants.Claims.Role;
                identity.Stores.SchemaVersion = IdentitySchemaVersion;
            })
            .AddEntityFrameworkStores<IdpDbContext>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<PasswordResetTokenProvider>(PasswordResetTokenProvider.ProviderName)
            .AddTokenProvider<Mfa.AuthenticatorCodeProvider>(Mfa.AuthenticatorCodeProvider.ProviderName)
            .AddPasswordValidator<NistPasswordValidator>()
            .AddClaimsPrincipalFactory<SessionPrincipalFactory>();

        // Identity's store with recovery codes kept hashed (see RecoveryCodeStore); registered after
        // AddEntityFrameworkStores, so it is the one UserManager gets.
        builder.Services.AddScoped<IUserStore<CersUser>, Mfa.RecoveryCodeStore>();

        // A password reset or a disabled account ends other sessions within a minute (the stamp is re-read).
        builder.Services.Configure<SecurityStampValidatorOptions>(stamp =>
        {
            stamp.ValidationInterval = TimeSpan.FromMinutes(1);
            stamp.OnRefreshingPrincipal = SessionPrincipalFactory.KeepAuthenticationTime;
        });

        builder.Services.AddSessionLifetime();
        builder.Services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SessionLifetimeOptions>>((cookie, sessions) =>
            {
                cookie.ExpireTimeSpan = sessions.Value.IdleTimeout;

                // After Identity's own check of the security stamp: a session past its absolute lifetime ends however active it is.
                var checkStamp = cookie.Events.OnValidatePrincipal;
                cookie.Events.OnValidatePrincipal = async context =>
                {
                    if (SessionPrincipalFactory.HasOutlived(context.Principal, sessions.Value.AbsoluteLifetime,
                            context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                        return;
                    }

                    await checkStamp(context);
                };
            });
        var securePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            Protect(cookie.Cookie, "cers.idp.session", securePolicy);
            cookie.LoginPath = "/Account/Login";
            cookie.LogoutPath = "/Account/Logout";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.SlidingExpiration = true;
        });

        // Between the password and the second factor: Identity's short-lived cookie naming the account (5 minutes),
        // held to the same rules as the session cookie.
        builder.Services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme,
            cookie => Protect(cookie.Cookie, "cers.idp.second-step", securePolicy));

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddSingleton<SecretTokens>();
        builder.Services.AddSingleton<PublicOrigin>();
        builder.Services.AddSingleton<AccountLinks>();
        builder.Services.AddScoped<TokenRevocation>();
        builder.Services.AddScoped<AccountAdministration>();
        builder.Services.AddScoped<IAuthorizationHandler, CersAdminHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(CersAdminRequirement.PolicyName, policy => policy.AddRequirements(new CersAdminRequirement()));

        builder.Services.AddOptions<DevelopmentSeedOptions>().BindConfiguration(DevelopmentSeedOptions.SectionName);
        builder.Services.AddTransient<DevelopmentUserSeeder>();
        return builder;
    }

    /// <summary>Script cannot read it, other sites' requests do not carry it (except top-level navigation), and outside Development it travels over HTTPS only.</summary>
    private static void Protect(CookieBuilder cookie, string name, CookieSecurePolicy securePolicy)
    {
        cookie.Name = name;
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Lax;
        cookie.SecurePolicy = securePolicy;
    }
}
