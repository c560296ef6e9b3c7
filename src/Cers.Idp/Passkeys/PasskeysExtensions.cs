using Cers.Idp.Accounts;
using Cers.Idp.Oidc;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Passkeys;

public static class PasskeysExtensions
{
    /// <summary>Passkeys (WebAuthn) through ASP.NET Core Identity's passkey handler, as the relying party <see cref="PasskeyOptions"/> names.</summary>
    public static IHostApplicationBuilder AddPasskeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PasskeyOptions>()
            .BindConfiguration(PasskeyOptions.SectionName)
            .PostConfigure<IOptions<OidcOptions>>((passkeys, oidc) =>
            {
                // By default the relying party is the issuer: its host is the RP ID and its origin the one origin.
                if (oidc.Value.Issuer is { IsAbsoluteUri: true } issuer && !issuer.HostNameType.Equals(UriHostNameType.IPv4)
                    && !issuer.HostNameType.Equals(UriHostNameType.IPv6))
                {
                    if (string.IsNullOrEmpty(passkeys.RelyingPartyId))
                    {
                        passkeys.RelyingPartyId = issuer.Host;
                    }

                    if (passkeys.Origins.Count == 0)
                    {
                        passkeys.Origins.Add(issuer.GetLeftPart(UriPartial.Authority));
                    }
                }
            })
            .ValidateDataAnnotations()
            .Validate(o => o.Problem() is null, "Passkeys:Origins must be origins on Passkeys:RelyingPartyId, over https unless on loopback.")
            .ValidateOnStart();

        builder.Services.AddOptions<IdentityPasskeyOptions>()
            .Configure<IOptions<PasskeyOptions>>((identity, configured) =>
            {
                var relyingParty = configured.Value;
                identity.ServerDomain = relyingParty.RelyingPartyId;

                // Every sign-in after the username step asks for a discoverable credential, so each passkey must be one.
                identity.ResidentKeyRequirement = "required";
                identity.UserVerificationRequirement = "preferred";
                identity.AuthenticatorTimeout = relyingParty.CeremonyLifetime;

                // The configured origins, not the request's Origin header (Identity's default), which a client other than
                // a browser writes as it likes. Cross-origin iframes are refused: the pages also forbid framing.
                var origins = relyingParty.Origins.Select(o => new Uri(o)).ToArray();
                identity.ValidateOrigin = context => ValueTask.FromResult(
                    !context.CrossOrigin
                    && Uri.TryCreate(context.Origin, UriKind.Absolute, out var origin)
                    && origins.Any(allowed => Uri.Compare(allowed, origin, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0));
            });

        builder.Services.TryAddScoped<IPasskeyHandler<CersUser>, PasskeyHandler<CersUser>>();
        builder.Services.AddScoped<PasskeyCeremonies>();
        builder.Services.AddScoped<PasskeySignIn>();
        builder.Services.AddScoped<PasskeyRegistration>();
        builder.Services.AddSingleton<PasskeyEmails>();
        return builder;
    }
}
