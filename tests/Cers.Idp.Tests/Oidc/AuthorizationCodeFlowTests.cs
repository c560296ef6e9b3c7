using System.Net;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Tests.Oidc;

[Collection(IdpCollection.Name)]
public sealed class AuthorizationCodeFlowTests(IdpFactory idp)
{
    private const string Password = "a long enough test password";

    [Fact]
    public async Task Discovery_lists_every_endpoint_and_only_S256_PKCE()
    {
        using var http = idp.CreateBackChannel();
        var disco = await http.GetDiscoveryDocumentAsync();

        disco.IsError.ShouldBeFalse(disco.Error);
        disco.Issuer.ShouldBe(idp.BaseAddress.ToString());
        disco.AuthorizeEndpoint.ShouldEndWith("/connect/authorize");
        disco.TokenEndpoint.ShouldEndWith("/connect/token");
        disco.UserInfoEndpoint.ShouldEndWith("/connect/userinfo");
        disco.EndSessionEndpoint.ShouldEndWith("/connect/endsession");
        disco.IntrospectionEndpoint.ShouldEndWith("/connect/introspect");
        disco.RevocationEndpoint.ShouldEndWith("/connect/revoke");
        disco.PushedAuthorizationRequestEndpoint.ShouldEndWith("/connect/par");
        disco.JwksUri.ShouldEndWith("/.well-known/jwks");
        disco.CodeChallengeMethodsSupported.ShouldBe(["S256"]);
        disco.GrantTypesSupported.ShouldBe(["authorization_code", "refresh_token", "client_credentials"], ignoreOrder: true);
        disco.KeySet!.Keys.Select(k => k.Kty).ShouldBe(["RSA", "EC"], ignoreOrder: true);
        disco.TryGetStringArray("id_token_signing_alg_values_supported").ShouldContain("RS256");
    }

    [Fact]
    public async Task Code_flow_with_PKCE_through_the_sign_in_page_issues_an_id_token_that_validates_against_the_JWKS()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        var response = await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);

        using var http = idp.CreateBackChannel();
        var disco = await http.GetDiscoveryDocumentAsync();
        var tokens = await BrowserSignIn.RedeemAsync(http, response);

        tokens.RefreshToken.ShouldNotBeNullOrEmpty();

        var keys = new JsonWebKeySet(disco.KeySet!.RawData ?? System.Text.Json.JsonSerializer.Serialize(disco.KeySet)).GetSigningKeys();
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.IdentityToken, new TokenValidationParameters
        {
            ValidIssuer = disco.Issuer,
            ValidAudience = IdpFactory.PortalClientId,
            IssuerSigningKeys = keys,
        });
        validation.IsValid.ShouldBeTrue(validation.Exception?.Message);
        validation.Claims["sub"].ShouldBe(user.Id);
        validation.Claims["nonce"].ShouldBe(response.Nonce);
        validation.Claims["preferred_username"].ShouldBe(user.UserName);

        // auth_time: when the password was entered, within the few seconds this test has run.
        var authTime = DateTimeOffset.FromUnixTimeSeconds(Convert.ToInt64(validation.Claims["auth_time"], System.Globalization.CultureInfo.InvariantCulture));
        (DateTimeOffset.UtcNow - authTime).ShouldBeLessThan(TimeSpan.FromMinutes(2));

        // ID tokens RS256, which every relying party must accept; access tokens the cheaper ES256.
        new JsonWebToken(tokens.IdentityToken).Alg.ShouldBe("RS256");
        var access = new JsonWebToken(tokens.AccessToken);
        access.Alg.ShouldBe("ES256");
        access.Typ.ShouldBe("at+jwt");
        access.Audiences.ShouldBe(["cers-facility-api"]);
        access.Subject.ShouldBe(user.Id);
    }

    [Theory]
    [InlineData("openid profile roles", true)]
    [InlineData("openid profile", false)]
    public async Task Regulator_staff_s_role_and_agency_reach_the_id_token_only_with_the_roles_scope(string scope, bool inIdToken)
    {
        using var browser = idp.CreateBrowser();
        var response = await BrowserSignIn.SignInAsync(idp, browser, "regulator1", "regulator sample password 1", scope);

        using var http = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(http, response);

        var identity = new JsonWebToken(tokens.IdentityToken);
        identity.TryGetPayloadValue<string>("role", out var role).ShouldBe(inIdToken);
        identity.TryGetPayloadValue<string>("cupa", out var agency).ShouldBe(inIdToken);
        if (inIdToken)
        {
            role.ShouldBe("regulator");
            agency.ShouldBe(IdpFactory.RegulatorAgencyCode);
        }
    }

    [Fact]
    public async Task Form_post_response_mode_delivers_the_code_with_a_script_the_content_policy_allows()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password);
        var (_, challenge) = BrowserSignIn.NewPkce();

        var response = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "fp-state", "n", "openid") + "&response_mode=form_post");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var form = page.QuerySelector("form").ShouldNotBeNull();
        form.GetAttribute("action").ShouldBe(IdpFactory.PortalRedirectUri);
        form.QuerySelector("input[name=code]").ShouldNotBeNull();
        form.QuerySelector("input[name=state]")!.GetAttribute("value").ShouldBe("fp-state");

        // The browser runs the inline script only if the Content-Security-Policy lists its hash.
        var script = page.QuerySelector("script").ShouldNotBeNull().TextContent;
        var hash = "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain($"script-src '{hash}'");
    }

    [Fact]
    public async Task Max_age_zero_asks_a_signed_in_user_to_sign_in_again()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);
        var (_, challenge) = BrowserSignIn.NewPkce();

        var recent = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s", "n", "openid") + "&max_age=3600");
        var zero = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s", "n", "openid") + "&max_age=0");

        recent.Headers.Location!.ToString().ShouldStartWith(IdpFactory.PortalRedirectUri);
        zero.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task An_authorization_code_is_single_use()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        var response = await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);
        using var http = idp.CreateBackChannel();
        var request = new AuthorizationCodeTokenRequest
        {
            Address = "connect/token",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            Code = response.Code,
            RedirectUri = IdpFactory.PortalRedirectUri,
            CodeVerifier = response.CodeVerifier,
        };

        (await http.RequestAuthorizationCodeTokenAsync(request)).IsError.ShouldBeFalse();
        var replay = await http.RequestAuthorizationCodeTokenAsync(request);

        replay.IsError.ShouldBeTrue();
        replay.Error.ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task Refresh_rotates_the_token_and_a_replayed_refresh_token_is_rejected_and_revokes_the_chain()
    {
        var tokens = await SignInAndRedeemAsync();
        using var http = idp.CreateBackChannel();

        var first = await BrowserSignIn.RefreshAsync(http, tokens.RefreshToken!);
        first.IsError.ShouldBeFalse(first.Error);
        first.RefreshToken.ShouldNotBe(tokens.RefreshToken);

        var replay = await BrowserSignIn.RefreshAsync(http, tokens.RefreshToken!);
        replay.IsError.ShouldBeTrue();
        replay.Error.ShouldBe("invalid_grant");

        // Reuse means the token may be stolen: the newer token of the same chain dies too (RFC 9700 4.14.2).
        var afterReplay = await BrowserSignIn.RefreshAsync(http, first.RefreshToken!);
        afterReplay.IsError.ShouldBeTrue();
        afterReplay.Error.ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task Userinfo_returns_the_claims_the_granted_scopes_allow()
    {
        var user = await idp.CreateUserAsync(Password);
        var tokens = await SignInAndRedeemAsync(user.UserName!, "openid profile");
        using var http = idp.CreateBackChannel();

        var info = await http.GetUserInfoAsync(new UserInfoRequest { Address = "connect/userinfo", Token = tokens.AccessToken });

        info.IsError.ShouldBeFalse(info.Error);
        info.Claims.Single(c => c.Type == "sub").Value.ShouldBe(user.Id);
        info.Claims.Single(c => c.Type == "preferred_username").Value.ShouldBe(user.UserName);
        info.Claims.ShouldNotContain(c => c.Type == "email");
        info.Claims.ShouldNotContain(c => c.Type == "phone_number");
    }

    [Fact]
    public async Task Without_the_phone_scope_no_token_carries_the_phone_number()
    {
        var user = await idp.CreateUserAsync(Password);
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Cers.Idp.Accounts.CersUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            (await users.SetPhoneNumberAsync(stored, "916-555-0199")).Succeeded.ShouldBeTrue();
        }

        var without = await SignInAndRedeemAsync(user.UserName!, "openid profile email");
        var with = await SignInAndRedeemAsync(user.UserName!, "openid profile email phone");

        new JsonWebToken(without.IdentityToken).TryGetClaim("phone_number", out _).ShouldBeFalse();
        new JsonWebToken(with.IdentityToken).GetClaim("phone_number").Value.ShouldBe("916-555-0199");
    }

    [Fact]
    public async Task Introspection_reports_a_live_token_active_and_a_revoked_one_inactive()
    {
        var tokens = await SignInAndRedeemAsync();
        using var http = idp.CreateBackChannel();

        var live = await IntrospectAsync(http, tokens.RefreshToken!);
        live.IsActive.ShouldBeTrue();
        live.Claims.Single(c => c.Type == "client_id").Value.ShouldBe(IdpFactory.PortalClientId);

        var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "connect/revoke",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            Token = tokens.RefreshToken!,
            TokenTypeHint = "refresh_token",
        });
        revoked.IsError.ShouldBeFalse(revoked.Error);

        (await IntrospectAsync(http, tokens.RefreshToken!)).IsActive.ShouldBeFalse();
        (await BrowserSignIn.RefreshAsync(http, tokens.RefreshToken!)).Error.ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task Pushed_authorization_request_is_accepted_and_its_request_uri_completes_the_flow()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password);

        var (verifier, challenge) = BrowserSignIn.NewPkce();
        using var http = idp.CreateBackChannel();
        var pushed = await http.PushAuthorizationAsync(new PushedAuthorizationRequest
        {
            Address = "connect/par",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            ResponseType = "code",
            Scope = "openid profile",
            RedirectUri = IdpFactory.PortalRedirectUri,
            State = "par-state",
            CodeChallenge = challenge,
            CodeChallengeMethod = "S256",
        });
        pushed.IsError.ShouldBeFalse(pushed.Error);
        pushed.RequestUri.ShouldStartWith("urn:ietf:params:oauth:request_uri:");

        var authorize = new RequestUrl(new Uri(idp.BaseAddress, "connect/authorize").ToString())
            .Create(new Parameters { { "client_id", IdpFactory.PortalClientId }, { "request_uri", pushed.RequestUri! } });
        var callback = await BrowserSignIn.FollowToCallbackAsync(browser, await browser.GetAsync(authorize));
        callback.State.ShouldBe("par-state");

        var tokens = await BrowserSignIn.RedeemAsync(http, callback with { CodeVerifier = verifier });
        tokens.AccessToken.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task End_session_with_an_id_token_hint_signs_out_and_returns_to_the_registered_uri()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        var response = await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);
        using var http = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(http, response);

        var endSession = new RequestUrl(new Uri(idp.BaseAddress, "connect/endsession").ToString()).CreateEndSessionUrl(
            idTokenHint: tokens.IdentityToken,
            postLogoutRedirectUri: IdpFactory.PortalPostLogoutRedirectUri,
            state: "bye");
        var signedOut = await browser.GetAsync(endSession);

        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedOut.Headers.Location!.ToString().ShouldStartWith(IdpFactory.PortalPostLogoutRedirectUri);
        signedOut.Headers.Location!.Query.ShouldContain("state=bye");

        // The session cookie is gone: authorizing again asks the user to sign in.
        var (_, challenge) = BrowserSignIn.NewPkce();
        var again = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s", "n"));
        again.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task End_session_without_a_hint_asks_before_signing_out()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password);

        var prompt = await browser.GetAsync("connect/endsession");
        prompt.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        prompt.Headers.Location!.ToString().ShouldStartWith("/Account/Logout");

        // Posting without the page's anti-forgery token does nothing.
        var forged = await browser.PostAsync("connect/endsession", new FormUrlEncodedContent([]));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var form = await BrowserSignIn.ReadFormAsync(browser, new Uri(idp.BaseAddress, prompt.Headers.Location!.ToString()));
        var confirmed = await browser.PostAsync("connect/endsession", new FormUrlEncodedContent(form));
        confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var (_, challenge) = BrowserSignIn.NewPkce();
        var again = await browser.GetAsync(BrowserSignIn.AuthorizeUrl(idp.BaseAddress, challenge, "s", "n"));
        again.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    private async Task<TokenResponse> SignInAndRedeemAsync(string? userName = null, string scope = "openid profile email offline_access facility.read")
    {
        userName ??= (await idp.CreateUserAsync(Password)).UserName!;
        using var browser = idp.CreateBrowser();
        var response = await BrowserSignIn.SignInAsync(idp, browser, userName, Password, scope);
        using var http = idp.CreateBackChannel();
        return await BrowserSignIn.RedeemAsync(http, response);
    }

    private static Task<TokenIntrospectionResponse> IntrospectAsync(HttpClient http, string token) =>
        http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = "connect/introspect",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            Token = token,
        });
}
