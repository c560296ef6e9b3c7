using Cers.RelyingParty;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cers.BusinessPortal.SignIn;

public static class SignInExtensions
{
    public const string SessionCookieName = "cers.portal.session";

    /// <summary>The portal's <c>backchannel_logout_uri</c> at the provider.</summary>
    public const string BackChannelLogoutPath = "/signout-backchannel";

    /// <summary>The portal's own request scopes: identity, refresh, and the facility API's three.</summary>
    public static readonly string[] Scopes =
        [CersScopes.OpenId, CersScopes.Profile, CersScopes.Email, CersScopes.Phone, CersScopes.OfflineAccess, CersScopes.FacilityRead, CersScopes.FacilityAccess,
            CersScopes.FacilityRegulator];

    /// <summary>
    /// Every page needs a signed-in user: a session cookie of the portal's own, and the OpenID Connect
    /// authorization code flow with PKCE at the provider to get one. The tokens live in the (encrypted)
    /// cookie, so nothing about a session is kept in this process and any instance can serve it.
    /// </summary>
    public static IHostApplicationBuilder AddPortalSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PortalOidcOptions>()
            .BindConfiguration(PortalOidcOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var development = builder.Environment.IsDevelopment();
        // Development runs on plain HTTP on loopback; everywhere else cookies are Secure only.
        var secure = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

        builder.Services.AddSessionLifetime();
        builder.Services.AddHttpClient(TokenRefresher.HttpClientName);
        builder.Services.AddSingleton<TokenRefresher>();
        builder.Services.AddScoped<TokenRefreshEvents>();
        builder.Services.AddBackChannelLogout();

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie =>
            {
                // Named apart from the provider's cookies: in Development both run on localhost, and cookies ignore ports.
                cookie.Cookie.Name = SessionCookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = secure;
                cookie.SlidingExpiration = true;
                cookie.AccessDeniedPath = "/Error";
                cookie.EventsType = typeof(TokenRefreshEvents);
            })
            .AddOpenIdConnect();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<SessionLifetimeOptions>>((cookie, sessions) => cookie.ExpireTimeSpan = sessions.Value.IdleTimeout);

        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IOptions<PortalOidcOptions>>((oidc, settings) =>
            {
                var portal = settings.Value;
                oidc.Authority = portal.Authority?.ToString();
                oidc.ClientId = portal.ClientId;
                oidc.ClientSecret = portal.ClientSecret;

                // Authorization code with PKCE (S256), the only flow the provider allows (RFC 9700 section 2.1.1).
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                // The code comes back on a top-level GET redirect, so the correlation and nonce cookies can be
                // SameSite=Lax; form_post would need SameSite=None, which browsers refuse on plain HTTP.
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = secure;
                oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.NonceCookie.SecurePolicy = secure;

                // The discovery document and keys over HTTPS, except on Development's loopback provider.
                oidc.RequireHttpsMetadata = !development;

                oidc.Scope.Clear();
                foreach (var scope in Scopes)
                {
                    oidc.Scope.Add(scope);
                }

                // The access and refresh tokens are kept in the session cookie; the ID token too, as the
                // id_token_hint of the end-session request.
                oidc.SaveTokens = true;
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.TokenValidationParameters.RoleClaimType = CersClaims.Role;

                oidc.Events.OnRemoteFailure = context =>
                {
                    // A cancelled or failed sign-in (access_denied, a stale correlation cookie) is a page, not a stack trace.
                    context.Response.Redirect("/Error?reason=sign-in");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });

        return builder;
    }

    /// <summary>Where the provider tells the portal of sessions it ended; a session it names ends at its next request.</summary>
    public static IEndpointRouteBuilder MapPortalBackChannelLogout(this IEndpointRouteBuilder app)
    {
        var sessions = app.ServiceProvider.GetRequiredService<IOptions<SessionLifetimeOptions>>().Value;
        app.MapBackChannelLogout(BackChannelLogoutPath, OpenIdConnectDefaults.AuthenticationScheme, sessions.AbsoluteLifetime);
        return app;
    }
}
