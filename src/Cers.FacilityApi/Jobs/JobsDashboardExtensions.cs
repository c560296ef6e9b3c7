using Cers.FacilityApi.Email;
using Cers.RelyingParty;
using Cers.ServiceDefaults.SharedState;
using Microsoft.AspNetCore.DataProtection;
using Hangfire;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cers.FacilityApi.Jobs;

/// <summary>
/// The Hangfire dashboard at <see cref="Path"/>, for CERS admins (<c>role=cers-admin</c>) only. The API
/// otherwise takes only bearer tokens, which a browser cannot send to a dashboard, so the dashboard
/// signs people in through the provider (code flow with PKCE, its own confidential client asking for
/// the <c>roles</c> scope) into a cookie that is valid under <see cref="Path"/> alone. An anonymous
/// visitor is sent to the provider; a signed-in person without the role gets 403.
/// </summary>
public static class JobsDashboardExtensions
{
    public const string Path = "/jobs";
    public const string Policy = "jobs.dashboard";
    private const string CookieScheme = "jobs-cookie";
    private const string SignInScheme = "jobs-oidc";

    /// <summary>The dashboard client's <c>backchannel_logout_uri</c> path at the provider.</summary>
    public const string BackChannelLogoutPath = Path + "/backchannel-logout";

    /// <summary>Absolute: an admin whose role is taken away loses the dashboard within the half hour.</summary>
    private static readonly TimeSpan CookieLifetime = TimeSpan.FromMinutes(30);

    public static IHostApplicationBuilder AddJobsDashboard(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JobsDashboardOptions.SectionName).Get<JobsDashboardOptions>() ?? new JobsDashboardOptions();
        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            return builder;
        }

        var authority = builder.Configuration.GetValue<Uri>("Authentication:Authority")
            ?? throw new InvalidOperationException("Authentication:Authority must be set for the jobs dashboard's sign-in.");
        var secure = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

        // The sign-in's cookies are protected with keys every instance reads from the API's database, so
        // the callback and the dashboard work behind a load balancer; outside Development the keys are
        // encrypted there with DataProtection:Certificate.
        builder.Services.AddDataProtection()
            .SetApplicationName("cers-facility-api")
            .PersistKeysToDbContext<Data.FacilityDbContext>()
            .ProtectKeysWithConfiguredCertificate(builder);

        // Sessions the provider ends by back-channel logout are remembered for every instance (Redis outside Development).
        builder.AddSharedState("facility-api");
        builder.Services.AddBackChannelLogout();

        // Hangfire's dashboard protects its own buttons (requeue, delete, trigger) with anti-forgery tokens when the service is there.
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "cers-facility-jobs-antiforgery";
            antiforgery.Cookie.Path = Path;
            antiforgery.Cookie.SecurePolicy = secure;
        });

        builder.Services.AddAuthentication()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "cers-facility-jobs";
                cookie.Cookie.Path = Path;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = secure;

                cookie.ExpireTimeSpan = CookieLifetime;
                cookie.SlidingExpiration = false;
                // Signed out at the provider (or disabled there): signed out here at the next request.
                cookie.Events.OnValidatePrincipal = context => context.EndIfLoggedOutAsync(options.ClientId);
                cookie.Events.OnSigningIn = context =>
                {
                    context.RecordSignInTime();
                    return Task.CompletedTask;
                };
                cookie.ForwardChallenge = SignInScheme;
                cookie.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect(SignInScheme, oidc =>
            {
                oidc.SignInScheme = CookieScheme;
                oidc.Authority = authority.ToString();
                oidc.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                oidc.ClientId = options.ClientId;
                oidc.ClientSecret = options.ClientSecret;
                oidc.ResponseType = OpenIdConnectResponseType.Code;

                // The code comes back on a top-level GET redirect rather than a cross-site form post, so the
                // correlation and nonce cookies can be SameSite=Lax (and, on plain HTTP in development, need
                // not be Secure, which a cookie store refuses to send over http).
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = secure;
                oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.NonceCookie.SecurePolicy = secure;

                // A refused or tampered sign-in (access_denied, a forged state, a stale correlation cookie) is
                // a 403 with a line of text, not an exception.
                oidc.Events.OnRemoteFailure = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    context.HandleResponse();
                    return context.Response.WriteAsync("The sign-in to the jobs dashboard did not complete. Open /jobs to sign in again.");
                };
                // The dashboard runs and deletes jobs that email people and expire requests: it asks the provider for a
                // second factor (acr_values, OpenID Connect Core 3.1.2.1) and, since a provider may answer with less
                // than was asked, checks the acr of the ID token it got (section 2) before any cookie is set.
                oidc.Events.OnRedirectToIdentityProvider = context =>
                {
                    context.ProtocolMessage.AcrValues = CersAuthenticationLevels.MultiFactor;
                    return Task.CompletedTask;
                };
                oidc.Events.OnTokenValidated = context =>
                {
                    if (context.Principal?.FindFirst("acr")?.Value != CersAuthenticationLevels.MultiFactor)
                    {
                        context.Fail("The sign-in did not use a second factor.");
                    }

                    return Task.CompletedTask;
                };
                oidc.UsePkce = true;
                oidc.CallbackPath = Path + "/signin-oidc";
                oidc.Scope.Clear();
                oidc.Scope.Add(CersScopes.OpenId);
                oidc.Scope.Add(CersScopes.Profile);
                oidc.Scope.Add(CersScopes.Roles);
                oidc.MapInboundClaims = false;
                oidc.SaveTokens = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.TokenValidationParameters.RoleClaimType = CersClaims.Role;
                oidc.CorrelationCookie.Path = Path;
                oidc.NonceCookie.Path = Path;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy
                .AddAuthenticationSchemes(CookieScheme)
                .RequireAuthenticatedUser()
                .RequireRole(CersRoles.CersAdmin));
        return builder;
    }

    /// <summary>Maps the dashboard when its sign-in is configured; otherwise <see cref="Path"/> is not served.</summary>
    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        var options = app.Configuration.GetSection(JobsDashboardOptions.SectionName).Get<JobsDashboardOptions>();
        if (string.IsNullOrWhiteSpace(options?.ClientSecret))
        {
            return app;
        }

        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            // The endpoint's policy decides who sees it; Hangfire's default filter would allow local requests only.
            Authorization = [],
            DashboardTitle = "CERS facility API jobs",
            AppPath = null,
        }, app.Services.GetRequiredService<JobStorage>()).RequireAuthorization(Policy);
        app.MapBackChannelLogout(BackChannelLogoutPath, SignInScheme, CookieLifetime);

        // Beside the dashboard, under its sign-in and policy.
        app.MapEmailOperations();
        return app;
    }
}
