using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Oidc;

/// <summary>
/// Checks the seeded clients as a whole, so a bad entry stops the provider at start with the key
/// that is wrong instead of producing a client that fails at its first request.
/// </summary>
public sealed class OidcOptionsValidator(IHostEnvironment environment) : IValidateOptions<OidcOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions options)
    {
        var failures = new List<string>();
        if (!environment.IsDevelopment() && options.Issuer is not { IsAbsoluteUri: true, Scheme: "https" })
        {
            // Otherwise the issuer would come from each request's Host header (OpenID Connect Discovery section 3).
            failures.Add("Oidc:Issuer must be set to the provider's public https address outside Development.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            var key = $"Oidc:Clients:{i}";

            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(client, new ValidationContext(client), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(r => $"{key}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
            }

            // Stored as an unsalted digest (CersApplicationManager), so it must be machine-generated: a long
            // but human-chosen phrase could be guessed offline from a stolen database.
            if (client.ClientSecret is { Length: >= 32 } secret && secret.Distinct().Count() < 16)
            {
                failures.Add($"{key}:ClientSecret looks hand-made (fewer than 16 distinct characters); generate one, e.g. `openssl rand -base64 32`.");
            }

            if (string.IsNullOrEmpty(client.ClientSecret)
                && (client.Kind == ClientKind.WebApp || string.IsNullOrWhiteSpace(client.JsonWebKeySet)))
            {
                failures.Add(client.Kind == ClientKind.WebApp
                    ? $"{key}:ClientSecret is required for a web app."
                    : $"{key}: a machine client needs a ClientSecret or a JsonWebKeySet (private_key_jwt).");
            }

            if (!string.IsNullOrWhiteSpace(client.JsonWebKeySet))
            {
                failures.AddRange(ClientKeys.Check(client.JsonWebKeySet, client.Kind).Select(problem => $"{key}:JsonWebKeySet: {problem}"));
            }

            if (!Enum.IsDefined(client.Kind))
            {
                failures.Add($"{key}:Kind must be WebApp or Machine.");
            }

            if (!seen.Add(client.ClientId))
            {
                failures.Add($"{key}:ClientId '{client.ClientId}' is configured twice.");
            }

            foreach (var scope in client.Scopes.Where(s => !CersScopes.All.Contains(s)))
            {
                failures.Add($"{key}:Scopes: unknown scope '{scope}'.");
            }

            if (client.Kind == ClientKind.WebApp)
            {
                if (client.RedirectUris.Count == 0)
                {
                    failures.Add($"{key}:RedirectUris: a web app needs at least one redirect URI.");
                }

                foreach (var uri in client.RedirectUris.Concat(client.PostLogoutRedirectUris))
                {
                    if (!uri.IsAbsoluteUri || !string.IsNullOrEmpty(uri.Fragment))
                    {
                        failures.Add($"{key}: redirect URI '{uri}' must be absolute and have no fragment (RFC 6749 section 3.1.2).");
                    }
                    else if (uri.Scheme != Uri.UriSchemeHttps && !(environment.IsDevelopment() && uri.IsLoopback))
                    {
                        failures.Add($"{key}: redirect URI '{uri}' must use https (plain http only on loopback in Development).");
                    }
                }

                if (client.BackChannelLogoutUri is { } logout)
                {
                    if (!logout.IsAbsoluteUri || !string.IsNullOrEmpty(logout.Fragment) || logout.Scheme is not ("https" or "http"))
                    {
                        failures.Add($"{key}:BackChannelLogoutUri '{logout}' must be an absolute http(s) URI with no fragment (Back-Channel Logout 1.0 section 2.2).");
                    }
                    else if (logout.Scheme != Uri.UriSchemeHttps && !(environment.IsDevelopment() && logout.IsLoopback))
                    {
                        failures.Add($"{key}:BackChannelLogoutUri '{logout}' must use https (plain http only on loopback in Development).");
                    }
                }
            }
            else
            {
                if (client.RedirectUris.Count > 0)
                {
                    failures.Add($"{key}:RedirectUris: a machine client signs no user in and takes no redirect URI.");
                }

                if (client.BackChannelLogoutUri is not null)
                {
                    failures.Add($"{key}:BackChannelLogoutUri: a machine client signs no user in, so it has no session to be told of.");
                }

                if (client.Scopes.Any(s => s is "openid" or "profile" or "email" or "phone" or "offline_access"))
                {
                    failures.Add($"{key}:Scopes: a machine client has no user, so no openid/profile/email/phone/offline_access.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
