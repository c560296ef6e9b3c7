using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;

namespace Cers.FacilityApi.Security;

public static class TokenValidationExtensions
{
    public const string FacilityReadPolicy = CersScopes.FacilityRead;

    /// <summary>Requesting access to a business: users signed in through the portal.</summary>
    public const string FacilityAccessPolicy = CersScopes.FacilityAccess;

    /// <summary>Deciding access requests: Lead Users (<c>facility.access</c>) or regulators (<c>facility.regulator</c>).</summary>
    public const string AccessDecisionPolicy = "access.decide";

    public const string FacilityRegulatorScope = CersScopes.FacilityRegulator;

    /// <summary>Every policy requires the token's subject: it is who the caller is (<see cref="Api.ApiCaller"/>).</summary>
    private const string SubjectClaim = "sub";

    /// <summary>
    /// Accepts only access tokens from the configured provider: signature checked against its JWKS
    /// (fetched from discovery and cached), issuer, audience <c>cers-facility-api</c>, lifetime, and
    /// the RFC 9068 <c>at+jwt</c> type, so an ID token cannot be replayed as an access token.
    /// </summary>
    public static IHostApplicationBuilder AddTokenValidation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TokenAuthenticationOptions>()
            .BindConfiguration(TokenAuthenticationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var settings = builder.Configuration.GetSection(TokenAuthenticationOptions.SectionName).Get<TokenAuthenticationOptions>();
        if (settings?.Authority is not { IsAbsoluteUri: true } authority)
        {
            throw new OptionsValidationException(TokenAuthenticationOptions.SectionName, typeof(TokenAuthenticationOptions),
                ["Authentication:Authority must be the absolute URL of the CERS identity provider."]);
        }

        builder.Services.AddOpenIddict()
            .AddValidation(validation =>
            {
                validation.SetIssuer(authority);
                validation.AddAudiences(settings.Audience);
                validation.UseSystemNetHttp();
                validation.UseAspNetCore();
            });

        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(FacilityReadPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(SubjectClaim)
                .RequireAssertion(context => context.User.HasScope(FacilityReadPolicy)))
            .AddPolicy(FacilityAccessPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(SubjectClaim)
                .RequireAssertion(context => context.User.HasScope(FacilityAccessPolicy)))
            .AddPolicy(AccessDecisionPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(SubjectClaim)
                .RequireAssertion(context => context.User.HasScope(FacilityAccessPolicy) || context.User.HasScope(FacilityRegulatorScope)));
        return builder;
    }

    public static bool HasScope(this System.Security.Claims.ClaimsPrincipal user, string scope) =>
        user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);
}
