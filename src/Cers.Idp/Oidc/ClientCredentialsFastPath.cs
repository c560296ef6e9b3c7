using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Cers.Idp.Keys;
using Cers.Idp.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cers.Idp.Oidc;

/// <summary>
/// The token path for regulators' machine clients: a well-formed client_credentials request from a
/// known client with the right secret and permitted scopes is answered here, without OpenIddict's
/// general request pipeline (about a hundred handlers resolved per request, which bounded issuance
/// at about half the target rate). Everything else, including every request that would fail, falls
/// through untouched to OpenIddict, so every error answer is OpenIddict's own.
/// <para>Security reasoning, check by check; each is at least as strict as OpenIddict's:</para>
/// <list type="bullet">
/// <item>Only <c>POST</c> with an <c>application/x-www-form-urlencoded</c> body (RFC 6749 section 3.2) on the
/// token endpoint; outside Development only over HTTPS (section 1.6).</item>
/// <item>Only the parameters <c>grant_type</c>, <c>scope</c>, <c>client_id</c>, <c>client_secret</c>, each at
/// most once (section 3.2: parameters must not repeat); anything else (<c>resource</c>,
/// <c>client_assertion</c>, ...) is left to OpenIddict.</item>
/// <item>Exactly one client authentication method, HTTP Basic or body, never both (section 2.3); Basic
/// credentials are form-decoded (section 2.3.1).</item>
/// <item>The client must exist, be confidential, hold the token endpoint and client_credentials
/// permissions and a permission for every requested scope; the secret is checked in constant time
/// (<see cref="CersApplicationManager{TApplication}"/>).</item>
/// <item>No <c>openid</c> or <c>offline_access</c>: a machine client has no user and gets no refresh
/// token (section 4.4.3).</item>
/// <item>The token is the same RFC 9068 <c>at+jwt</c> OpenIddict issues for this grant, signed with the
/// same credential OpenIddict uses for access tokens (<see cref="ISigningKeys.AccessTokenSigning"/>, as of this request), with the same issuer, audience, lifetime and claims, and no
/// database row (see <see cref="MachineTokenStorage"/>); the response is RFC 6749 section 5.1 with
/// <c>Cache-Control: no-store</c>.</item>
/// </list>
/// </summary>
public sealed class ClientCredentialsFastPath(
    RequestDelegate next,
    IOptionsMonitor<OpenIddictServerOptions> serverOptions,
    IOptionsMonitor<OidcOptions> oidcOptions,
    IHostEnvironment environment,
    ISigningKeys signingKeys,
    IdpMetrics metrics,
    TimeProvider time)
{
    private static readonly HashSet<string> AcceptedParameters = new(StringComparer.Ordinal)
    {
        Parameters.GrantType, Parameters.Scope, Parameters.ClientId, Parameters.ClientSecret,
    };

    private static readonly JsonWebTokenHandler TokenHandler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly bool _requireHttps = !environment.IsDevelopment();

    public async Task InvokeAsync(HttpContext http, IOpenIddictApplicationManager applications)
    {
        var token = await TryIssueAsync(http, applications);
        if (token is null)
        {
            await next(http);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        await http.Response.WriteAsJsonAsync(token, ClientCredentialsJson.Default.AccessTokenResponse, contentType: null, http.RequestAborted);
    }

    private async Task<AccessTokenResponse?> TryIssueAsync(HttpContext http, IOpenIddictApplicationManager applications)
    {
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType || !request.Host.HasValue
            || (_requireHttps && !request.IsHttps)
            || !MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !string.Equals(contentType.MediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return null;
        }

        foreach (var (parameter, values) in form)
        {
            if (!AcceptedParameters.Contains(parameter) || values.Count != 1)
            {
                return null;
            }
        }

        if (form[Parameters.GrantType] != GrantTypes.ClientCredentials || !TryReadClient(request, form, out var clientId, out var secret))
        {
            return null;
        }

        var scopes = form[Parameters.Scope].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Length == 0 || scopes.Any(s => !CersScopes.FacilityScopes.Contains(s)))
        {
            return null;
        }

        var application = await applications.FindByClientIdAsync(clientId, http.RequestAborted);
        if (application is null
            || !await applications.HasClientTypeAsync(application, ClientTypes.Confidential, http.RequestAborted)
            || !await applications.HasPermissionAsync(application, Permissions.Endpoints.Token, http.RequestAborted)
            || !await applications.HasPermissionAsync(application, Permissions.GrantTypes.ClientCredentials, http.RequestAborted))
        {
            return null;
        }

        foreach (var scope in scopes)
        {
            if (!await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope, http.RequestAborted))
            {
                return null;
            }
        }

        if (!await applications.ValidateClientSecretAsync(application, secret, http.RequestAborted))
        {
            return null;
        }

        var server = serverOptions.CurrentValue;
        var lifetime = server.AccessTokenLifetime ?? oidcOptions.CurrentValue.AccessTokenLifetime;
        var now = time.GetUtcNow().UtcDateTime;
        var client = await MachineClientClaims.ReadAsync(applications, application, clientId, scopes, http.RequestAborted);
        var claims = new Dictionary<string, object>(client.Pairs(), StringComparer.Ordinal)
        {
            [Claims.ClientId] = clientId,
            [Claims.JwtId] = Guid.NewGuid().ToString(),
            [Claims.Scope] = string.Join(' ', client.Scopes),
            // OpenIddict's presenter claim: lets the client introspect its own token.
            [Claims.Private.Presenter] = clientId,
        };

        var jwt = TokenHandler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = JsonWebTokenTypes.AccessToken,
            Issuer = (server.Issuer ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}", UriKind.Absolute)).AbsoluteUri,
            Audience = CersScopes.FacilityApiAudience,
            IssuedAt = now,
            Expires = now + lifetime,
            SigningCredentials = signingKeys.AccessTokenSigning,
            Claims = claims,
        });

        metrics.TokenResponse(GrantTypes.ClientCredentials, clientId);
        return new AccessTokenResponse(jwt, TokenTypes.Bearer, (long)lifetime.TotalSeconds);
    }

    /// <summary>Exactly one of HTTP Basic or body credentials (RFC 6749 section 2.3.1), both parts non-empty.</summary>
    private static bool TryReadClient(HttpRequest request, IFormCollection form, out string clientId, out string secret)
    {
        clientId = secret = "";
        var header = request.Headers.Authorization.ToString();
        var inBody = form.ContainsKey(Parameters.ClientId) || form.ContainsKey(Parameters.ClientSecret);

        if (header.Length == 0)
        {
            clientId = form[Parameters.ClientId].ToString();
            secret = form[Parameters.ClientSecret].ToString();
            return clientId.Length > 0 && secret.Length > 0;
        }

        if (inBody || request.Headers.Authorization.Count != 1
            || !AuthenticationHeaderValue.TryParse(header, out var authorization)
            || !string.Equals(authorization.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || authorization.Parameter is not { Length: > 0 } encoded)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return false;
        }

        // Raw non-ASCII bytes are left to OpenIddict, which decides what they mean.
        if (!System.Text.Ascii.IsValid(bytes))
        {
            return false;
        }

        var decoded = Encoding.ASCII.GetString(bytes);

        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        clientId = Uri.UnescapeDataString(decoded[..separator].Replace('+', ' '));
        secret = Uri.UnescapeDataString(decoded[(separator + 1)..].Replace('+', ' '));
        return secret.Length > 0;
    }
}

public sealed record AccessTokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] long ExpiresIn);

[System.Text.Json.Serialization.JsonSerializable(typeof(AccessTokenResponse))]
internal sealed partial class ClientCredentialsJson : System.Text.Json.Serialization.JsonSerializerContext;

public static class ClientCredentialsFastPathExtensions
{
    /// <summary>Runs before authentication, so OpenIddict sees only what the fast path declined.</summary>
    public static IApplicationBuilder UseClientCredentialsFastPath(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.Equals("/connect/token", StringComparison.OrdinalIgnoreCase),
            branch => branch.UseMiddleware<ClientCredentialsFastPath>());
}
