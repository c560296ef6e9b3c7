using Cers.Idp.Data;
using Cers.Idp.Keys;
using Cers.Idp.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Oidc;

public static class OidcExtensions
{
    public static IHostApplicationBuilder AddOidc(this IHostApplicationBuilder builder)
    {
        var environment = builder.Environment;
        var oidc = builder.Configuration.GetSection(OidcOptions.SectionName).Get<OidcOptions>() ?? new OidcOptions();

        builder.Services.AddOptions<OidcOptions>()
            .BindConfiguration(OidcOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OidcOptions>, OidcOptionsValidator>());

        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerCredentialsSetup>();
        builder.Services.AddTransient<ClientSeeder>();
        builder.Services.AddSingleton<SignInAskedAt>();
        builder.Services.AddSingleton<IdpMetrics>();

        builder.Services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<IdpDbContext>();
                core.ReplaceApplicationManager(typeof(CersApplicationManager<>));
            })
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetPushedAuthorizationEndpointUris("connect/par")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke");

                if (oidc.Issuer is not null)
                {
                    server.SetIssuer(oidc.Issuer);
                }

                server.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();

                // PKCE is required for every client, public or confidential (RFC 9700 section 2.1.1),
                // and only with S256: "plain" would send the verifier's equal through the front channel.
                server.RequireProofKeyForCodeExchange();
                server.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                server.RegisterScopes([.. CersScopes.All]);
                server.RegisterClaims(Claims.Subject, Claims.Name, Claims.PreferredUsername, Claims.GivenName, Claims.FamilyName,
                    CersClaims.Title, Claims.Email, Claims.EmailVerified, Claims.PhoneNumber, Claims.PhoneNumberVerified, Claims.Role,
                    CersClaims.AgencyCode,
                    Claims.AuthenticationMethodReference, Claims.AuthenticationContextReference);

                // The acr values a relying party may ask for with acr_values (OpenID Connect Discovery section 3), and
                // back-channel logout, whose logout tokens always name the session (Back-Channel Logout 1.0 section 2.1).
                server.AddEventHandler<HandleConfigurationRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    context.Metadata["acr_values_supported"] = new OpenIddict.Abstractions.OpenIddictParameter([.. CersAuthenticationLevels.All]);
                    context.Metadata["backchannel_logout_supported"] = true;
                    context.Metadata["backchannel_logout_session_supported"] = true;
                    return default;
                }));

                server.SetAccessTokenLifetime(oidc.AccessTokenLifetime)
                    .SetAuthorizationCodeLifetime(oidc.AuthorizationCodeLifetime)
                    .SetRefreshTokenLifetime(oidc.RefreshTokenLifetime)
                    .SetIdentityTokenLifetime(TimeSpan.FromMinutes(5));

                // Refresh tokens rotate on every use (OpenIddict's default) and a redeemed one presented
                // again revokes the whole chain at once: no grace window in which a stolen token could
                // still be exchanged (RFC 9700 section 4.14.2).
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // ...also when the requests that present it arrive together, at one instance or several: one is answered and
                // the others are a reuse (OpenIddict's own redemption step lets them all through; see RefreshTokenReuse).
                server.RemoveEventHandler(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor)
                    .AddEventHandler(RefreshTokenReuse.Redemption.Descriptor)
                    .AddEventHandler(RefreshTokenReuse.Replay.Descriptor);

                // Access tokens are signed JWTs, not encrypted ones, so the facility API validates them
                // locally from the JWKS (RFC 9068). They carry no secrets beyond the claims it needs.
                server.DisableAccessTokenEncryption();

                server.AddEventHandler(MachineTokenStorage.Descriptor)
                    .AddEventHandler(SigningKeyChoice.Descriptor)
                    .AddEventHandler(JwksCacheHeaders.Descriptor)
                    .AddEventHandler(ClientAssertionReplay.Descriptor)
                    .AddEventHandler(TokenResponseMetering.Descriptor);

                // A malformed code_challenge or max_age is a malformed request, not a parameter left out.
                server.AddEventHandler(AuthorizationParameterRules.For<ValidateAuthorizationRequestContext>())
                    .AddEventHandler(AuthorizationParameterRules.For<ValidatePushedAuthorizationRequestContext>());

                // A form past ASP.NET Core's limits is a malformed request, not a server error.
                server.AddEventHandler(OversizedFormRejection.For<ExtractAuthorizationRequestContext>())
                    .AddEventHandler(OversizedFormRejection.For<ExtractPushedAuthorizationRequestContext>())
                    .AddEventHandler(OversizedFormRejection.For<ExtractTokenRequestContext>())
                    .AddEventHandler(OversizedFormRejection.For<ExtractUserInfoRequestContext>())
                    .AddEventHandler(OversizedFormRejection.For<ExtractEndSessionRequestContext>())
                    .AddEventHandler(OversizedFormRejection.For<ExtractIntrospectionRequestContext>())
                    .AddEventHandler(OversizedFormRejection.For<ExtractRevocationRequestContext>());

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();

                // Plain HTTP is allowed only in Development, where the two README commands must work on a
                // fresh machine with no trusted certificate; everywhere else OpenIddict rejects non-HTTPS
                // requests (OAuth 2.0 requires TLS, RFC 6749 section 1.6).
                if (environment.IsDevelopment())
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            });

        return builder;
    }
}

/// <summary>
/// Hands the signing keys and encryption certificates to OpenIddict: every published signing key goes in the JWKS and
/// validates the provider's own tokens. In <c>Keys:Mode=Automatic</c> this runs again whenever the published keys change
/// (<see cref="AutomaticSigningKeys"/> is the options' change token source).
/// </summary>
public sealed class ServerCredentialsSetup(ISigningKeys signingKeys, CertificateSet certificates) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        options.SigningCredentials.AddRange(signingKeys.Published);

        foreach (var certificate in certificates.Encryption)
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new X509SecurityKey(certificate),
                SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }
}
