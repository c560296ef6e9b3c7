using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Cers.Idp.Oidc;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Xunit.Abstractions;

namespace Cers.Idp.Tests.Oidc;

/// <summary>
/// Malformed and hostile protocol requests sent over real HTTP. Each one must get the error its RFC
/// prescribes (an exact code, never just "some 4xx"), never a 5xx, and never a redirect to a URI the
/// client did not register.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class HostileRequestTests(IdpFactory idp) : IAsyncLifetime
{
    private const string Password = "a long enough test password";
    private const string State = "hostile-state";
    private const string EvilUri = "https://evil.example/callback";

    /// <summary>A second web client, so codes and refresh tokens can be presented by the wrong client.</summary>
    private const string OtherClientId = "hostile-tests-other-rp";
    private const string OtherSecret = "hostile-tests-other-rp-secret-5f0c9a1d7e2b";
    private const string OtherRedirectUri = "http://localhost:5004/signin-oidc";

    private static readonly string HundredKilobytes = new('a', 100 * 1024);
    private static readonly (string Verifier, string Challenge) Pkce = BrowserSignIn.NewPkce();

    private static readonly HtmlParser Parser = new();

    private readonly HttpClient client = idp.CreateBrowser();
    private bool createdOtherClient;

    public static TheoryData<CaseName> CaseNames => new(Cases.Select(c => new CaseName(c.Name)));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Hostile_request_gets_the_prescribed_OAuth_error_and_never_a_server_error(CaseName name)
    {
        var hostile = Cases.Single(c => c.Name == name.Value);

        using var response = await hostile.Send(this);
        var seen = await DescribeAsync(response);

        ((int)response.StatusCode).ShouldBeLessThan(500, seen);
        if (response.Headers.Location is { IsAbsoluteUri: true } location && location.Authority != idp.BaseAddress.Authority)
        {
            // Off the provider, only ever to a URI the client registered (RFC 9700 section 4.1).
            location.GetLeftPart(UriPartial.Path).ShouldBeOneOf(
                [IdpFactory.PortalRedirectUri, IdpFactory.PortalPostLogoutRedirectUri], seen);
        }

        await hostile.Expected.AssertAsync(response, idp.BaseAddress, seen);
    }

    [Fact]
    public void At_least_fifty_distinct_hostile_requests_are_checked()
    {
        Cases.Count.ShouldBeGreaterThanOrEqualTo(50);
        Cases.Select(c => c.Name).ShouldBeUnique();
    }

    private static IReadOnlyList<HostileRequest> Cases =>
    [
        .. TokenEndpointCases(),
        .. AuthorizationEndpointCases(),
        .. PushedAuthorizationCases(),
        .. IntrospectionCases(),
        .. RevocationCases(),
        .. UserInfoCases(),
        .. EndSessionCases(),
    ];

    // ---------------------------------------------------------------- token endpoint (RFC 6749 section 5.2)

    private static readonly Form ClientCredentials = new Form()
        .Plus("grant_type", "client_credentials")
        .Plus("client_id", IdpFactory.RegulatorClientId)
        .Plus("client_secret", IdpFactory.RegulatorSecret)
        .Plus("scope", "facility.read");

    private static readonly Form PortalCredentials = new Form()
        .Plus("client_id", IdpFactory.PortalClientId)
        .Plus("client_secret", IdpFactory.PortalSecret);

    private static IEnumerable<HostileRequest> TokenEndpointCases()
    {
        const string P = "token: ";

        yield return new(P + "grant_type missing",
            t => t.PostAsync("connect/token", ClientCredentials.Without("grant_type")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "unknown grant_type",
            t => t.PostAsync("connect/token", ClientCredentials.With("grant_type", "urn:example:evil")),
            new JsonError(HttpStatusCode.BadRequest, "unsupported_grant_type"));
        yield return new(P + "password grant, which is not enabled",
            t => t.PostAsync("connect/token", ClientCredentials.With("grant_type", "password")
                .Plus("username", "bizuser1").Plus("password", "correct horse battery staple")),
            new JsonError(HttpStatusCode.BadRequest, "unsupported_grant_type"));
        yield return new(P + "grant_type sent twice",
            t => t.PostAsync("connect/token", ClientCredentials.Plus("grant_type", "authorization_code")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "client_id sent twice",
            t => t.PostAsync("connect/token", ClientCredentials.Plus("client_id", IdpFactory.PortalClientId)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "client_secret sent twice",
            t => t.PostAsync("connect/token", ClientCredentials.Plus("client_secret", "guess")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "unknown client",
            t => t.PostAsync("connect/token", ClientCredentials.With("client_id", "no-such-client")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "wrong client secret",
            t => t.PostAsync("connect/token", ClientCredentials.With("client_secret", "not-the-secret")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "another client's secret",
            t => t.PostAsync("connect/token", ClientCredentials.With("client_secret", IdpFactory.PortalSecret)),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        // RFC 6749 section 5.2 files "no client authentication included" under invalid_client, but the token
        // endpoint also serves public clients, for which client_id is a required parameter (section 4.1.3):
        // OpenIddict's invalid_request "client_id is missing" is a legitimate reading. The other endpoints,
        // which only confidential clients use, answer invalid_client (see below).
        yield return new(P + "no client authentication at all",
            t => t.PostAsync("connect/token", ClientCredentials.Without("client_id").Without("client_secret")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        // client_credentials is for confidential clients only (RFC 6749 section 4.4), so without a secret the
        // request lacks a parameter the grant requires: invalid_request, again a legitimate reading of 5.2.
        yield return new(P + "client_credentials without the client secret",
            t => t.PostAsync("connect/token", ClientCredentials.Without("client_secret")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "authorization_code grant without the client secret",
            t => t.PostAsync("connect/token", PortalCodeGrant("not-a-code", Pkce.Verifier).Without("client_secret")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "Basic authentication and a form client_secret together",
            t => t.PostAsync("connect/token", ClientCredentials.Without("client_id"),
                Basic(IdpFactory.RegulatorClientId, IdpFactory.RegulatorSecret)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "Basic authentication with a wrong secret",
            t => t.PostAsync("connect/token", ClientCredentials.Without("client_id").Without("client_secret"),
                Basic(IdpFactory.RegulatorClientId, "not-the-secret")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "Basic authentication header that is not base64",
            t => t.PostAsync("connect/token", ClientCredentials.Without("client_id").Without("client_secret"),
                new AuthenticationHeaderValue("Basic", "%%%not base64%%%")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "JSON body instead of a form",
            t => t.SendAsync(HttpMethod.Post, "connect/token", new StringContent(
                JsonSerializer.Serialize(ClientCredentials.ToDictionary()), Encoding.UTF8, "application/json")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "text/plain body",
            t => t.SendAsync(HttpMethod.Post, "connect/token", new StringContent(
                ClientCredentials.ToQueryString().TrimStart('?'), Encoding.UTF8, "text/plain")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "form in UTF-7",
            t => t.SendAsync(HttpMethod.Post, "connect/token", Charset(ClientCredentials, "utf-7")),
            new JsonError(HttpStatusCode.UnsupportedMediaType, "invalid_request"));
        yield return new(P + "form with an empty charset",
            t => t.SendAsync(HttpMethod.Post, "connect/token", Charset(ClientCredentials, "")),
            new JsonError(HttpStatusCode.UnsupportedMediaType, "invalid_request"));
        yield return new(P + "multipart/form-data body",
            t => t.SendAsync(HttpMethod.Post, "connect/token", new MultipartFormDataContent
            {
                { new StringContent("client_credentials"), "grant_type" },
                { new StringContent(IdpFactory.RegulatorClientId), "client_id" },
                { new StringContent(IdpFactory.RegulatorSecret), "client_secret" },
            }),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        // The token endpoint takes POST only (RFC 6749 section 3.2).
        yield return new(P + "GET with the parameters in the query string",
            t => t.GetAsync("connect/token", ClientCredentials),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "empty form body",
            t => t.PostAsync("connect/token", new Form()),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "POST with no body at all",
            t => t.SendAsync(HttpMethod.Post, "connect/token", content: null),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "100 KB scope",
            t => t.PostAsync("connect/token", ClientCredentials.With("scope", HundredKilobytes)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_scope"));
        yield return new(P + "100 KB client_id",
            t => t.PostAsync("connect/token", ClientCredentials.With("client_id", HundredKilobytes)),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "100 KB authorization code",
            t => t.PostAsync("connect/token", PortalCodeGrant(HundredKilobytes, Pkce.Verifier)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "garbage authorization code",
            t => t.PostAsync("connect/token", PortalCodeGrant("not-a-code", Pkce.Verifier)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "authorization_code grant without a code",
            t => t.PostAsync("connect/token", PortalCodeGrant("", Pkce.Verifier).Without("code")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "code with a different redirect_uri",
            async t => await t.PostAsync("connect/token", await t.RealCodeGrantAsync((f, _) => f.With("redirect_uri", EvilUri))),
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "code without its redirect_uri",
            async t => await t.PostAsync("connect/token", await t.RealCodeGrantAsync((f, _) => f.Without("redirect_uri"))),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        // A missing verifier is a missing parameter (invalid_request, RFC 6749 section 5.2); a wrong one fails
        // the grant (invalid_grant, RFC 7636 section 4.6).
        yield return new(P + "code without a code_verifier",
            async t => await t.PostAsync("connect/token", await t.RealCodeGrantAsync((f, _) => f.Without("code_verifier"))),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "code with a wrong code_verifier",
            async t => await t.PostAsync("connect/token", await t.RealCodeGrantAsync((f, _) => f.With("code_verifier", Pkce.Verifier))),
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "code with the code_challenge replayed as the verifier",
            async t => await t.PostAsync("connect/token", await t.RealCodeGrantAsync((f, challenge) => f.With("code_verifier", challenge))),
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "code redeemed by another web client",
            async t =>
            {
                await t.EnsureOtherClientAsync();
                return await t.PostAsync("connect/token", await t.RealCodeGrantAsync((f, _) => f
                    .With("client_id", OtherClientId).With("client_secret", OtherSecret)));
            },
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "code redeemed by the machine client",
            async t => await t.PostAsync("connect/token", await t.RealCodeGrantAsync((f, _) => f
                .With("client_id", IdpFactory.RegulatorClientId).With("client_secret", IdpFactory.RegulatorSecret))),
            new JsonError(HttpStatusCode.BadRequest, "unauthorized_client"));
        yield return new(P + "garbage refresh token",
            t => t.PostAsync("connect/token", PortalRefreshGrant("not-a-refresh-token")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "refresh_token grant without a refresh token",
            t => t.PostAsync("connect/token", PortalRefreshGrant("").Without("refresh_token")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "refresh token of another client",
            async t =>
            {
                await t.EnsureOtherClientAsync();
                var tokens = await t.RealTokensAsync();
                return await t.PostAsync("connect/token", PortalRefreshGrant(tokens.RefreshToken!)
                    .With("client_id", OtherClientId).With("client_secret", OtherSecret));
            },
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "refresh token presented by the machine client",
            async t =>
            {
                var tokens = await t.RealTokensAsync();
                return await t.PostAsync("connect/token", PortalRefreshGrant(tokens.RefreshToken!)
                    .With("client_id", IdpFactory.RegulatorClientId).With("client_secret", IdpFactory.RegulatorSecret));
            },
            new JsonError(HttpStatusCode.BadRequest, "unauthorized_client"));
        yield return new(P + "access token presented as a refresh token",
            async t => await t.PostAsync("connect/token", PortalRefreshGrant((await t.RealTokensAsync()).AccessToken!)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_grant"));
        yield return new(P + "client_credentials for the web app client",
            t => t.PostAsync("connect/token", ClientCredentials
                .With("client_id", IdpFactory.PortalClientId).With("client_secret", IdpFactory.PortalSecret)),
            new JsonError(HttpStatusCode.BadRequest, "unauthorized_client"));
        // A known scope this client may not use: RFC 6749 section 5.2 would fit invalid_scope best ("exceeds
        // the scope granted"); OpenIddict answers invalid_request ("an unsupported parameter value"), which
        // 5.2 also allows. An unknown scope gets invalid_scope (below).
        yield return new(P + "scope the machine client is not allowed",
            t => t.PostAsync("connect/token", ClientCredentials.With("scope", "facility.read facility.access")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "openid scope on client_credentials",
            t => t.PostAsync("connect/token", ClientCredentials.With("scope", "openid facility.read")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_scope"));
        yield return new(P + "unknown scope",
            t => t.PostAsync("connect/token", ClientCredentials.With("scope", "facility.delete")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_scope"));
        // Past ASP.NET Core's form limits (1,024 fields, 4 MB values): a malformed request, not a crash.
        yield return new(P + "2,000 form fields",
            t => t.PostAsync("connect/token", ClientCredentials.PlusFields(2000)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "5 MB parameter value",
            t => t.PostAsync("connect/token", ClientCredentials.Plus("padding", new string('a', 5 * 1024 * 1024))),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
    }

    private static Form PortalCodeGrant(string code, string verifier) => PortalCredentials
        .Plus("grant_type", "authorization_code")
        .Plus("code", code)
        .Plus("redirect_uri", IdpFactory.PortalRedirectUri)
        .Plus("code_verifier", verifier);

    private static Form PortalRefreshGrant(string refreshToken) => PortalCredentials
        .Plus("grant_type", "refresh_token")
        .Plus("refresh_token", refreshToken);

    // ---------------------------------------------------------------- authorization endpoint (RFC 6749 section 4.1.2.1)

    private static readonly Form Authorize = new Form()
        .Plus("client_id", IdpFactory.PortalClientId)
        .Plus("response_type", "code")
        .Plus("scope", "openid profile")
        .Plus("redirect_uri", IdpFactory.PortalRedirectUri)
        .Plus("state", State)
        .Plus("nonce", "hostile-nonce")
        .Plus("code_challenge", Pkce.Challenge)
        .Plus("code_challenge_method", "S256");

    private static IEnumerable<HostileRequest> AuthorizationEndpointCases()
    {
        const string P = "authorize: ";

        // The client or its redirect URI cannot be trusted: show an error page, never redirect.
        yield return new(P + "client_id missing",
            t => t.GetAsync("connect/authorize", Authorize.Without("client_id")),
            new ErrorPage("invalid_request"));
        // RFC 6749 section 4.1.2.1 names no code for errors shown to the user, and invalid_client belongs to
        // the token endpoint (section 5.2): invalid_request is the right code here.
        yield return new(P + "unknown client_id",
            t => t.GetAsync("connect/authorize", Authorize.With("client_id", "no-such-client")),
            new ErrorPage("invalid_request"));
        yield return new(P + "unregistered redirect_uri",
            t => t.GetAsync("connect/authorize", Authorize.With("redirect_uri", EvilUri)),
            new ErrorPage("invalid_request"));
        yield return new(P + "redirect_uri that extends the registered path",
            t => t.GetAsync("connect/authorize", Authorize.With("redirect_uri", IdpFactory.PortalRedirectUri + "/../../evil")),
            new ErrorPage("invalid_request"));
        yield return new(P + "redirect_uri with an added query",
            t => t.GetAsync("connect/authorize", Authorize.With("redirect_uri", IdpFactory.PortalRedirectUri + "?next=" + EvilUri)),
            new ErrorPage("invalid_request"));
        yield return new(P + "redirect_uri with a fragment",
            t => t.GetAsync("connect/authorize", Authorize.With("redirect_uri", IdpFactory.PortalRedirectUri + "#evil")),
            new ErrorPage("invalid_request"));
        yield return new(P + "redirect_uri missing on an OpenID Connect request",
            t => t.GetAsync("connect/authorize", Authorize.Without("redirect_uri")),
            new ErrorPage("invalid_request"));
        yield return new(P + "redirect_uri sent twice, registered and foreign",
            t => t.GetAsync("connect/authorize", Authorize.Plus("redirect_uri", EvilUri)),
            new ErrorPage("invalid_request"));
        yield return new(P + "client_id sent twice",
            t => t.GetAsync("connect/authorize", Authorize.Plus("client_id", IdpFactory.RegulatorClientId)),
            new ErrorPage("invalid_request"));
        // The machine client registered no redirect URI, so the portal's is foreign to it.
        yield return new(P + "machine client on the authorization endpoint",
            t => t.GetAsync("connect/authorize", Authorize.With("client_id", IdpFactory.RegulatorClientId)),
            new ErrorPage("invalid_request"));
        // A form that cannot be read has no redirect URI to trust either.
        yield return new(P + "2,000 form fields by POST",
            t => t.PostAsync("connect/authorize", Authorize.PlusFields(2000)),
            new ErrorPage("invalid_request"));

        // Client and redirect URI are valid but a parameter is not. RFC 6749 section 4.1.2.1 would send these
        // errors to the redirect URI; OpenIddict shows every error found while validating the request on the
        // page instead, and redirects only errors raised once the request is valid (prompt=none below). That
        // is the cautious side of the same section and of RFC 9700 section 4.11.2: nothing is ever redirected
        // on the strength of a request that failed validation.
        yield return new(P + "response_type missing",
            t => t.GetAsync("connect/authorize", Authorize.Without("response_type")),
            new ErrorPage("invalid_request"));
        yield return new(P + "response_type sent twice",
            t => t.GetAsync("connect/authorize", Authorize.Plus("response_type", "token")),
            new ErrorPage("invalid_request"));
        yield return new(P + "response_type token (implicit flow)",
            t => t.GetAsync("connect/authorize", Authorize.With("response_type", "token")),
            new ErrorPage("unsupported_response_type"));
        yield return new(P + "response_type id_token (implicit flow)",
            t => t.GetAsync("connect/authorize", Authorize.With("response_type", "id_token")),
            new ErrorPage("unsupported_response_type"));
        yield return new(P + "response_type code token (hybrid flow)",
            t => t.GetAsync("connect/authorize", Authorize.With("response_type", "code token")),
            new ErrorPage("unsupported_response_type"));
        yield return new(P + "unknown response_type",
            t => t.GetAsync("connect/authorize", Authorize.With("response_type", "evil")),
            new ErrorPage("unsupported_response_type"));
        yield return new(P + "unknown response_mode",
            t => t.GetAsync("connect/authorize", Authorize.Plus("response_mode", "evil")),
            new ErrorPage("invalid_request"));
        // PKCE errors are invalid_request (RFC 7636 section 4.4.1).
        yield return new(P + "code_challenge missing",
            t => t.GetAsync("connect/authorize", Authorize.Without("code_challenge").Without("code_challenge_method")),
            new ErrorPage("invalid_request"));
        yield return new(P + "code_challenge_method plain",
            t => t.GetAsync("connect/authorize", Authorize.With("code_challenge", Pkce.Verifier).With("code_challenge_method", "plain")),
            new ErrorPage("invalid_request"));
        yield return new(P + "unknown code_challenge_method",
            t => t.GetAsync("connect/authorize", Authorize.With("code_challenge_method", "S512")),
            new ErrorPage("invalid_request"));
        yield return new(P + "code_challenge_method without a code_challenge",
            t => t.GetAsync("connect/authorize", Authorize.Without("code_challenge")),
            new ErrorPage("invalid_request"));
        // OpenIddict does not check the challenge's syntax (43 to 128 unreserved characters, RFC 7636 section 4.2); the
        // provider does, so the client hears its request was wrong instead of getting a code nobody could redeem.
        yield return new(P + "code_challenge too short",
            t => t.GetAsync("connect/authorize", Authorize.With("code_challenge", "short")),
            new ErrorPage("invalid_request"));
        yield return new(P + "code_challenge with characters outside base64url",
            t => t.GetAsync("connect/authorize", Authorize.With("code_challenge", new string('a', 42) + "!")),
            new ErrorPage("invalid_request"));
        yield return new(P + "code_challenge too long",
            t => t.GetAsync("connect/authorize", Authorize.With("code_challenge", new string('a', 129))),
            new ErrorPage("invalid_request"));
        // max_age is a number of seconds, 0 or more (OpenID Connect Core section 3.1.2.1), never read as "no limit".
        yield return new(P + "negative max_age",
            t => t.GetAsync("connect/authorize", Authorize.Plus("max_age", "-5")),
            new ErrorPage("invalid_request"));
        yield return new(P + "max_age that is no number",
            t => t.GetAsync("connect/authorize", Authorize.Plus("max_age", "abc")),
            new ErrorPage("invalid_request"));
        yield return new(P + "unknown scope",
            t => t.GetAsync("connect/authorize", Authorize.With("scope", "openid facility.delete")),
            new ErrorPage("invalid_scope"));
        yield return new(P + "prompt none combined with login",
            t => t.GetAsync("connect/authorize", Authorize.Plus("prompt", "none login")),
            new ErrorPage("invalid_request"));
        yield return new(P + "request object",
            t => t.GetAsync("connect/authorize", Authorize.Plus("request", UnsignedJwt(new { iss = IdpFactory.PortalClientId }))),
            new ErrorPage("request_not_supported"));
        // Sending both is invalid_request (OpenID Connect Core section 6), but "request" is not supported at
        // all and is checked first: request_not_supported is as true and as specific.
        yield return new(P + "both request and request_uri",
            t => t.GetAsync("connect/authorize", Authorize
                .Plus("request", UnsignedJwt(new { iss = IdpFactory.PortalClientId }))
                .Plus("request_uri", "urn:ietf:params:oauth:request_uri:hostile")),
            new ErrorPage("request_not_supported"));
        // Deviation, kept visible here: RFC 9101 section 6.2 and OpenID Connect Core section 3.1.2.6 name this
        // invalid_request_uri; OpenIddict, which stores pushed requests as tokens, answers invalid_token.
        // It is shown to the user, never redirected, which is what matters for safety.
        yield return new(P + "pushed request_uri that does not exist",
            t => t.GetAsync("connect/authorize", new Form()
                .Plus("client_id", IdpFactory.PortalClientId)
                .Plus("request_uri", "urn:ietf:params:oauth:request_uri:does-not-exist")),
            new ErrorPage("invalid_token"));
        yield return new(P + "request_uri pointing at a foreign server",
            t => t.GetAsync("connect/authorize", new Form()
                .Plus("client_id", IdpFactory.PortalClientId)
                .Plus("request_uri", "https://evil.example/request.jwt")),
            new ErrorPage("request_uri_not_supported"));

        // A valid request that cannot be served silently: this error does go back to the client, with its
        // state (RFC 6749 section 4.1.2.1, OpenID Connect Core section 3.1.2.6).
        yield return new(P + "prompt none without a session",
            t => t.GetAsync("connect/authorize", Authorize.Plus("prompt", "none")),
            new ErrorRedirect("login_required"));

        // A second factor asked for (acr_values) from a password-only session cannot be given without a page.
        yield return new(P + "prompt none asking for mfa from a password session",
            async t =>
            {
                await t.SignInHereAsync();
                return await t.GetAsync("connect/authorize", Authorize.Plus("prompt", "none").Plus("acr_values", CersAuthenticationLevels.MultiFactor));
            },
            new ErrorRedirect("interaction_required"));
    }

    // ---------------------------------------------------------------- pushed authorization requests (RFC 9126)

    private static IEnumerable<HostileRequest> PushedAuthorizationCases()
    {
        const string P = "par: ";
        var pushed = Authorize.Plus("client_secret", IdpFactory.PortalSecret);

        // Pushed requests must come from an authenticated client (RFC 9126 section 2); errors are those of the
        // token endpoint (section 2.3), with 401 allowed for invalid_client (RFC 6749 section 5.2).
        yield return new(P + "client_id without the client secret",
            t => t.PostAsync("connect/par", Authorize),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "wrong client secret",
            t => t.PostAsync("connect/par", pushed.With("client_secret", "not-the-secret")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        // "request_uri" must not be pushed (RFC 9126 section 2.1).
        yield return new(P + "request_uri inside the pushed request",
            t => t.PostAsync("connect/par", pushed.Plus("request_uri", "urn:ietf:params:oauth:request_uri:hostile")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "code_challenge missing",
            t => t.PostAsync("connect/par", pushed.Without("code_challenge").Without("code_challenge_method")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "code_challenge_method plain",
            t => t.PostAsync("connect/par", pushed.With("code_challenge", Pkce.Verifier).With("code_challenge_method", "plain")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "code_challenge too short",
            t => t.PostAsync("connect/par", pushed.With("code_challenge", "short")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "negative max_age",
            t => t.PostAsync("connect/par", pushed.Plus("max_age", "-1")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "unregistered redirect_uri",
            t => t.PostAsync("connect/par", pushed.With("redirect_uri", EvilUri)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "response_type token",
            t => t.PostAsync("connect/par", pushed.With("response_type", "token")),
            new JsonError(HttpStatusCode.BadRequest, "unsupported_response_type"));
        // The machine client has no redirect URI, so that is the first thing found wrong.
        yield return new(P + "machine client with the web client's redirect_uri",
            t => t.PostAsync("connect/par", pushed
                .With("client_id", IdpFactory.RegulatorClientId).With("client_secret", IdpFactory.RegulatorSecret)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        // Required on every OpenID Connect request (OpenID Connect Core section 3.1.2.1).
        yield return new(P + "redirect_uri missing on an OpenID Connect request",
            t => t.PostAsync("connect/par", pushed.Without("redirect_uri")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "2,000 form fields",
            t => t.PostAsync("connect/par", pushed.PlusFields(2000)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "GET instead of POST",
            t => t.GetAsync("connect/par", pushed),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
    }

    // ---------------------------------------------------------------- introspection (RFC 7662) and revocation (RFC 7009)

    private static IEnumerable<HostileRequest> IntrospectionCases()
    {
        const string P = "introspect: ";

        // Introspection requires client authentication (RFC 7662 section 2.1): invalid_client, 401.
        yield return new(P + "no client authentication",
            t => t.PostAsync("connect/introspect", new Form().Plus("token", "anything")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "wrong client secret",
            t => t.PostAsync("connect/introspect", PortalCredentials.With("client_secret", "not-the-secret").Plus("token", "anything")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "token missing",
            t => t.PostAsync("connect/introspect", PortalCredentials),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "2,000 form fields",
            t => t.PostAsync("connect/introspect", PortalCredentials.Plus("token", "not-a-token").PlusFields(2000)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "garbage token",
            t => t.PostAsync("connect/introspect", PortalCredentials.Plus("token", "not-a-token")),
            new Inactive());
        // A hint that names no token type does not stop the search: the server "MUST extend its search across
        // all of its supported token types" (RFC 7662 section 2.1), so a live token is still found.
        yield return new(P + "token_type_hint naming no token type",
            async t => await t.PostAsync("connect/introspect", PortalCredentials
                .Plus("token", (await t.RealTokensAsync()).RefreshToken!).Plus("token_type_hint", "evil")),
            new Active());
        // A token issued to another client is not disclosed: inactive (RFC 7662 section 2.2 leaves it to the
        // server which clients may introspect which tokens).
        yield return new(P + "another client's refresh token",
            async t =>
            {
                var tokens = await t.RealTokensAsync();
                await t.EnsureOtherClientAsync();
                return await t.PostAsync("connect/introspect", new Form()
                    .Plus("client_id", OtherClientId).Plus("client_secret", OtherSecret).Plus("token", tokens.RefreshToken!));
            },
            new Inactive());
        // RFC 7662 section 2.1 describes a POST but does not forbid GET, and OpenIddict serves both: the answer
        // is the POST one. (A client that puts its secret in a query string exposes it in logs; ours use POST.)
        yield return new(P + "GET instead of POST",
            t => t.GetAsync("connect/introspect", PortalCredentials.Plus("token", "not-a-token")),
            new Inactive());
    }

    private static IEnumerable<HostileRequest> RevocationCases()
    {
        const string P = "revoke: ";

        yield return new(P + "no client authentication",
            t => t.PostAsync("connect/revoke", new Form().Plus("token", "anything")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "wrong client secret",
            t => t.PostAsync("connect/revoke", PortalCredentials.With("client_secret", "not-the-secret").Plus("token", "anything")),
            new JsonError(HttpStatusCode.Unauthorized, "invalid_client"));
        yield return new(P + "token missing",
            t => t.PostAsync("connect/revoke", PortalCredentials),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "2,000 form fields",
            t => t.PostAsync("connect/revoke", PortalCredentials.Plus("token", "not-a-token").PlusFields(2000)),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        yield return new(P + "garbage token",
            t => t.PostAsync("connect/revoke", PortalCredentials.Plus("token", "not-a-token")),
            new Revoked());
        // "An invalid token type hint value is ignored by the authorization server and does not influence the
        // revocation response" (RFC 7009 section 2.1).
        yield return new(P + "token_type_hint naming no token type",
            t => t.PostAsync("connect/revoke", PortalCredentials.Plus("token", "not-a-token").Plus("token_type_hint", "evil")),
            new Revoked());
        // Machine tokens are not stored and so cannot be revoked (see MachineTokenStorage): the server says so
        // with unsupported_token_type (RFC 7009 section 2.2.1).
        yield return new(P + "machine client's access token",
            async t => await t.PostAsync("connect/revoke", ClientCredentials.Without("grant_type").Without("scope")
                .Plus("token", await t.MachineAccessTokenAsync())),
            new JsonError(HttpStatusCode.BadRequest, "unsupported_token_type"));
        yield return new(P + "GET instead of POST",
            t => t.GetAsync("connect/revoke", PortalCredentials.Plus("token", "not-a-token")),
            new JsonError(HttpStatusCode.BadRequest, "invalid_request"));
        // A client may revoke only its own tokens (RFC 7009 section 2.1). OpenIddict answers 200 as for any token
        // it will not revoke (section 2.2: invalid tokens cause no error), and the owner's token stays alive.
        yield return new(P + "another client's refresh token is left alive",
            async t =>
            {
                var tokens = await t.RealTokensAsync();
                await t.EnsureOtherClientAsync();
                using var revoked = await t.PostAsync("connect/revoke", new Form()
                    .Plus("client_id", OtherClientId).Plus("client_secret", OtherSecret).Plus("token", tokens.RefreshToken!));
                revoked.StatusCode.ShouldBe(HttpStatusCode.OK, await DescribeAsync(revoked));
                return await t.PostAsync("connect/introspect", PortalCredentials.Plus("token", tokens.RefreshToken!));
            },
            new Active());
    }

    // ---------------------------------------------------------------- userinfo (RFC 6750, OpenID Connect Core section 5.3.3)

    private static IEnumerable<HostileRequest> UserInfoCases()
    {
        const string P = "userinfo: ";

        // No credentials at all: a bare challenge with no error code (RFC 6750 section 3.1).
        yield return new(P + "no access token",
            t => t.UserInfoAsync(null),
            new BearerChallenge(null));
        yield return new(P + "garbage access token",
            t => t.UserInfoAsync("not-a-token"),
            new BearerChallenge("invalid_token"));
        yield return new(P + "2,000 form fields by POST",
            t => t.PostAsync("connect/userinfo", new Form().Plus("access_token", "not-a-token").PlusFields(2000)),
            new BearerChallenge("invalid_request", HttpStatusCode.BadRequest));
        yield return new(P + "unsigned alg=none token",
            t => t.UserInfoAsync(UnsignedJwt(new
            {
                iss = t.Issuer, sub = "anyone", aud = CersScopes.FacilityApiAudience, scope = "openid profile",
                client_id = IdpFactory.PortalClientId, exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
            })),
            new BearerChallenge("invalid_token"));
        yield return new(P + "real token with a changed payload",
            async t =>
            {
                var real = new JsonWebToken((await t.RealTokensAsync()).AccessToken!);
                var forged = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(real.EncodedPayload).Replace(real.Subject, "someone-else", StringComparison.Ordinal));
                return await t.UserInfoAsync($"{real.EncodedHeader}.{forged}.{real.EncodedSignature}");
            },
            new BearerChallenge("invalid_token"));
        yield return new(P + "token signed by a foreign key under the provider's key id",
            async t =>
            {
                var real = new JsonWebToken((await t.RealTokensAsync()).AccessToken!);
                using var rsa = RSA.Create(2048);
                var foreign = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = real.Kid }, SecurityAlgorithms.RsaSha256);
                return await t.UserInfoAsync(Resign(real, foreign, TimeSpan.Zero));
            },
            new BearerChallenge("invalid_token"));
        // Signed with the provider's own key, so only its expiry is wrong. The token-entry claims are dropped:
        // with them OpenIddict takes the lifetime from the stored entry, not from the JWT.
        yield return new(P + "expired token signed with the provider's own key",
            async t =>
            {
                var real = new JsonWebToken((await t.RealTokensAsync()).AccessToken!);
                return await t.UserInfoAsync(Resign(real, t.ProviderSigningCredentials, TimeSpan.FromHours(-2), "oi_tkn_id", "oi_au_id"));
            },
            new BearerChallenge("invalid_token"));
        yield return new(P + "identity token used as an access token",
            async t => await t.UserInfoAsync((await t.RealTokensAsync()).IdentityToken),
            new BearerChallenge("invalid_token"));
        yield return new(P + "refresh token used as an access token",
            async t => await t.UserInfoAsync((await t.RealTokensAsync()).RefreshToken),
            new BearerChallenge("invalid_token"));
        // Answered by the passthrough handler, which finds no user behind the token.
        yield return new(P + "machine client's token, which names no user",
            async t => await t.UserInfoAsync(await t.MachineAccessTokenAsync()),
            new BearerChallenge("invalid_token"));
    }

    // ---------------------------------------------------------------- end session (OpenID Connect RP-Initiated Logout)

    private static IEnumerable<HostileRequest> EndSessionCases()
    {
        const string P = "endsession: ";

        yield return new(P + "unregistered post_logout_redirect_uri",
            t => t.GetAsync("connect/endsession", new Form().Plus("post_logout_redirect_uri", EvilUri).Plus("state", State)),
            new ErrorPage("invalid_request"));
        yield return new(P + "post_logout_redirect_uri that extends the registered one",
            t => t.GetAsync("connect/endsession", new Form().Plus("post_logout_redirect_uri", IdpFactory.PortalPostLogoutRedirectUri + "/../evil")),
            new ErrorPage("invalid_request"));
        yield return new(P + "registered post_logout_redirect_uri claimed by another client",
            t => t.GetAsync("connect/endsession", new Form()
                .Plus("client_id", IdpFactory.RegulatorClientId)
                .Plus("post_logout_redirect_uri", IdpFactory.PortalPostLogoutRedirectUri)),
            new ErrorPage("invalid_request"));

        yield return new(P + "2,000 form fields by POST",
            t => t.PostAsync("connect/endsession", new Form().PlusFields(2000)),
            new ErrorPage("invalid_request"));

        // id_token_hint is only a hint: OpenIddict validates it and, when it is invalid, does not use it
        // (RP-Initiated Logout section 4: "the information that failed to validate MUST NOT be used"), so the
        // signed-in user is asked to confirm instead of being signed out by whoever sent the link.
        yield return new(P + "garbage id_token_hint for a signed-in user",
            async t =>
            {
                await t.SignInHereAsync();
                return await t.GetAsync("connect/endsession", new Form()
                    .Plus("id_token_hint", "not-a-token")
                    .Plus("post_logout_redirect_uri", IdpFactory.PortalPostLogoutRedirectUri));
            },
            new AsksBeforeSignOut());
        yield return new(P + "unsigned alg=none id_token_hint naming the signed-in user",
            async t =>
            {
                var user = await t.SignInHereAsync();
                return await t.GetAsync("connect/endsession", new Form()
                    .Plus("id_token_hint", UnsignedJwt(new
                    {
                        iss = t.Issuer, sub = user.Id, aud = IdpFactory.PortalClientId,
                        iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
                    }, "JWT"))
                    .Plus("post_logout_redirect_uri", IdpFactory.PortalPostLogoutRedirectUri));
            },
            new AsksBeforeSignOut());
    }

    // ---------------------------------------------------------------- sending

    private string Issuer => idp.BaseAddress.ToString();

    private SigningCredentials ProviderSigningCredentials =>
        idp.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials[0];

    private Task<HttpResponseMessage> PostAsync(string path, Form form, AuthenticationHeaderValue? authorization = null) =>
        SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent(form.Parameters), authorization);

    private Task<HttpResponseMessage> GetAsync(string path, Form query) =>
        SendAsync(HttpMethod.Get, path + query.ToQueryString(), content: null);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content,
        AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = authorization;
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private Task<HttpResponseMessage> UserInfoAsync(string? accessToken) =>
        SendAsync(HttpMethod.Get, "connect/userinfo", content: null,
            accessToken is null ? null : new AuthenticationHeaderValue("Bearer", accessToken));

    private static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        // The client id and secret are form-encoded before base64 (RFC 6749 section 2.3.1).
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));

    // ---------------------------------------------------------------- real artefacts to misuse

    /// <summary>
    /// A real code from a real sign-in, in a correct redemption request that <paramref name="tamper"/> then
    /// spoils, given also the PKCE challenge the code was issued for.
    /// </summary>
    private async Task<Form> RealCodeGrantAsync(Func<Form, string, Form> tamper)
    {
        var response = await SignInAsync();
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(response.CodeVerifier)));
        return tamper(PortalCodeGrant(response.Code, response.CodeVerifier), challenge);
    }

    private async Task<TokenResponse> RealTokensAsync()
    {
        var response = await SignInAsync();
        using var http = idp.CreateBackChannel();
        return await BrowserSignIn.RedeemAsync(http, response);
    }

    private async Task<string> MachineAccessTokenAsync()
    {
        using var response = await PostAsync("connect/token", ClientCredentials);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await DescribeAsync(response));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task<AuthorizationResponse> SignInAsync()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        return await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);
    }

    /// <summary>Signs a new user in through <paramref name="authorize"/> and returns the code sent back to the client.</summary>
    private async Task<string> SignInAsync(Form authorize)
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        var toLogin = await browser.GetAsync("connect/authorize" + authorize.ToQueryString());
        toLogin.StatusCode.ShouldBe(HttpStatusCode.Redirect, await DescribeAsync(toLogin));
        var login = await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, toLogin.Headers.Location!), user.UserName!, Password);
        return (await BrowserSignIn.FollowToCallbackAsync(browser, login)).Code;
    }

    /// <summary>Signs a new user in on this test's own client, so its later requests carry the session.</summary>
    private async Task<Cers.Idp.Accounts.CersUser> SignInHereAsync()
    {
        var user = await idp.CreateUserAsync(Password);
        await BrowserSignIn.SignInAsync(idp, client, user.UserName!, Password);
        return user;
    }

    /// <summary>Registers the second web client for this test; <see cref="DisposeAsync"/> removes it again.</summary>
    private async Task EnsureOtherClientAsync()
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        if (await applications.FindByClientIdAsync(OtherClientId) is null)
        {
            createdOtherClient = true;
            await applications.CreateAsync(ClientSeeder.Describe(new Cers.Idp.Oidc.ClientOptions
            {
                ClientId = OtherClientId,
                DisplayName = "Hostile request tests: a second relying party",
                ClientSecret = OtherSecret,
                RedirectUris = [new Uri(OtherRedirectUri)],
                Scopes = ["openid", "profile", "email", "offline_access", "facility.read"],
            }));
        }
    }

    /// <summary>A JWT with <c>alg=none</c> and no signature: whoever accepts it accepts anything.</summary>
    private static string UnsignedJwt(object payload, string type = "at+jwt") =>
        Base64UrlEncoder.Encode($$"""{"alg":"none","typ":"{{type}}"}""") + "." +
        Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload)) + ".";

    /// <summary>
    /// The claims of <paramref name="token"/> but <paramref name="dropped"/>, signed with <paramref name="credentials"/>,
    /// its lifetime moved by <paramref name="shift"/>.
    /// </summary>
    private static string Resign(JsonWebToken token, SigningCredentials credentials, TimeSpan shift, params string[] dropped)
    {
        var claims = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(token.EncodedPayload))!;
        foreach (var name in dropped)
        {
            claims.Remove(name);
        }

        foreach (var time in new[] { "exp", "iat", "nbf" }.Where(claims.ContainsKey))
        {
            claims[time] = ((JsonElement)claims[time]).GetInt64() + (long)shift.TotalSeconds;
        }

        return new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(claims), credentials,
            new Dictionary<string, object> { ["typ"] = token.Typ });
    }

    /// <summary>What came back, for assertion messages: status, redirect, challenge, and the error shown or sent.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            var page = await Parser.ParseDocumentAsync(body);
            body = "page: " + page.QuerySelector(".error-summary")?.TextContent.Trim();
        }

        return $"{(int)response.StatusCode} {response.StatusCode}; Location: {response.Headers.Location}; " +
            $"WWW-Authenticate: {response.Headers.WwwAuthenticate}; {(body.Length > 3000 ? body[..3000] + "..." : body)}";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        client.Dispose();
        if (createdOtherClient)
        {
            await using var scope = idp.Services.CreateAsyncScope();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await applications.DeleteAsync((await applications.FindByClientIdAsync(OtherClientId))!);
        }
    }

    // ---------------------------------------------------------------- cases and expected outcomes

    /// <summary>
    /// A case's name as theory data: serializable, so each case is discovered as its own test, and shown
    /// whole (xunit shortens plain string arguments to 50 characters).
    /// </summary>
    public sealed class CaseName : IXunitSerializable
    {
        public CaseName()
        {
        }

        public CaseName(string value) => Value = value;

        public string Value { get; private set; } = "";

        public void Serialize(IXunitSerializationInfo info) => info.AddValue(nameof(Value), Value);

        public void Deserialize(IXunitSerializationInfo info) => Value = info.GetValue<string>(nameof(Value));

        public override string ToString() => Value;
    }

    /// <summary>One hostile request, named so it shows up as its own test.</summary>
    private sealed record HostileRequest(string Name, Func<HostileRequestTests, Task<HttpResponseMessage>> Send, Outcome Expected);

    /// <summary>Request parameters in order, duplicates allowed, so a case can send a parameter twice.</summary>
    private sealed record Form(ImmutableList<KeyValuePair<string, string>> Parameters)
    {
        public Form() : this(ImmutableList<KeyValuePair<string, string>>.Empty) { }

        public Form Plus(string name, string value) => new(Parameters.Add(new(name, value)));

        public Form Without(string name) => new(Parameters.RemoveAll(p => p.Key == name));

        public Form With(string name, string value) => Without(name).Plus(name, value);

        /// <summary>Pads the form with <paramref name="count"/> meaningless fields.</summary>
        public Form PlusFields(int count) => new(Parameters.AddRange(
            Enumerable.Range(0, count).Select(i => KeyValuePair.Create("p" + i, "x"))));

        public Dictionary<string, string> ToDictionary() => Parameters.ToDictionary(p => p.Key, p => p.Value);

        public string ToQueryString() =>
            QueryString.Create(Parameters.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).ToUriComponent();
    }

    private abstract record Outcome
    {
        public abstract Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen);

        protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string seen)
        {
            response.Content.Headers.ContentType.ShouldNotBeNull(seen).MediaType.ShouldBe("application/json", seen);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        }
    }

    /// <summary>The form as a body whose Content-Type names <paramref name="charset"/>.</summary>
    private static ByteArrayContent Charset(Form form, string charset)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(form.ToQueryString().TrimStart('?')));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/x-www-form-urlencoded; charset={charset}");
        return content;
    }

    /// <summary>
    /// A back-channel error: the status and the <c>error</c> member of the JSON body; a 401 comes with a
    /// challenge for the client authentication scheme (RFC 6749 section 5.2).
    /// </summary>
    private sealed record JsonError(HttpStatusCode Status, string Error) : Outcome
    {
        public override async Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen)
        {
            response.StatusCode.ShouldBe(Status, seen);
            if (Status == HttpStatusCode.Unauthorized)
            {
                response.Headers.WwwAuthenticate.ShouldHaveSingleItem(seen).Scheme.ShouldBe("Basic", seen);
            }

            (await ReadJsonAsync(response, seen)).GetProperty("error").GetString().ShouldBe(Error, seen);
        }
    }

    /// <summary>
    /// A protected-resource error: a Bearer challenge naming the error, or with no error at all when the
    /// request carried no token; 401, or 400 for invalid_request (RFC 6750 section 3.1).
    /// </summary>
    private sealed record BearerChallenge(string? Error, HttpStatusCode Status = HttpStatusCode.Unauthorized) : Outcome
    {
        public override Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen)
        {
            response.StatusCode.ShouldBe(Status, seen);
            var challenge = response.Headers.WwwAuthenticate.ShouldHaveSingleItem(seen);
            challenge.Scheme.ShouldBe("Bearer", seen);
            if (Error is null)
            {
                challenge.Parameter.ShouldBeNull(seen);
            }
            else
            {
                challenge.Parameter.ShouldNotBeNull(seen).ShouldContain($"error=\"{Error}\"", Case.Sensitive, seen);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The authorization error sent back to the registered redirect URI with the request's state
    /// (RFC 6749 section 4.1.2.1) and the issuer (RFC 9207, against mix-up attacks), and no code.
    /// </summary>
    private sealed record ErrorRedirect(string Error) : Outcome
    {
        public override Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, seen);
            var location = response.Headers.Location.ShouldNotBeNull(seen);
            location.GetLeftPart(UriPartial.Path).ShouldBe(IdpFactory.PortalRedirectUri, seen);
            var query = QueryHelpers.ParseQuery(location.Query);
            query["error"].ToString().ShouldBe(Error, seen);
            query["state"].ToString().ShouldBe(State, seen);
            query["iss"].ToString().ShouldBe(issuer.ToString(), seen);
            query.ContainsKey("code").ShouldBeFalse(seen);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A 400 error page naming the error and no redirect at all: the user is told instead of being sent
    /// anywhere (RFC 6749 section 4.1.2.1, OpenID Connect RP-Initiated Logout section 3).
    /// </summary>
    private sealed record ErrorPage(string Error) : Outcome
    {
        public override async Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, seen);
            response.Headers.Location.ShouldBeNull(seen);
            var page = await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
            var shown = page.QuerySelector(".error-summary").ShouldNotBeNull(seen).TextContent.Trim();
            shown.Split(':')[0].ShouldBe(Error, seen);
        }
    }

    /// <summary>A token the server does not know is simply inactive (RFC 7662 section 2.2), not an error.</summary>
    private sealed record Inactive : Outcome
    {
        public override async Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, seen);
            var json = await ReadJsonAsync(response, seen);
            json.GetProperty("active").GetBoolean().ShouldBeFalse(seen);
            json.EnumerateObject().Count().ShouldBe(1, seen);
        }
    }

    /// <summary>A live token reported active (RFC 7662 section 2.2).</summary>
    private sealed record Active : Outcome
    {
        public override async Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, seen);
            (await ReadJsonAsync(response, seen)).GetProperty("active").GetBoolean().ShouldBeTrue(seen);
        }
    }

    /// <summary>
    /// Sent to the confirmation page rather than signed out: the request did not prove it came from the
    /// user's relying party (OpenID Connect RP-Initiated Logout section 2).
    /// </summary>
    private sealed record AsksBeforeSignOut : Outcome
    {
        public override Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, seen);
            response.Headers.Location.ShouldNotBeNull(seen).ToString().ShouldStartWith("/Account/Logout", Case.Sensitive, seen);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// 200 with no body: "invalid tokens do not cause an error response since the client cannot handle
    /// such an error in a reasonable way" (RFC 7009 section 2.2).
    /// </summary>
    private sealed record Revoked : Outcome
    {
        public override async Task AssertAsync(HttpResponseMessage response, Uri issuer, string seen)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, seen);
            (await response.Content.ReadAsStringAsync()).ShouldBeOneOf(["", "{}"], seen);
        }
    }
}
