using System.Net;
using System.Security.Cryptography;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.WebUtilities;

namespace Cers.Idp.Tests.Infrastructure;

/// <summary>What a relying party gets back on its redirect URI, plus the PKCE verifier it kept.</summary>
public sealed record AuthorizationResponse(string Code, string State, string Nonce, string CodeVerifier);

/// <summary>
/// Drives the authorization code flow the way a browser does: follows the provider's redirects by
/// hand, reads the sign-in form (with its anti-forgery token) and posts it back.
/// </summary>
public static class BrowserSignIn
{
    private static readonly HtmlParser Parser = new();

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = CryptoRandom.CreateUniqueId(32);
        var challenge = Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return (verifier, challenge);
    }

    public static string AuthorizeUrl(Uri issuer, string challenge, string state, string nonce,
        string scope = "openid profile email offline_access facility.read") =>
        new RequestUrl(new Uri(issuer, "connect/authorize").ToString()).CreateAuthorizeUrl(
            clientId: IdpFactory.PortalClientId,
            responseType: OidcConstants.ResponseTypes.Code,
            scope: scope,
            redirectUri: IdpFactory.PortalRedirectUri,
            state: state,
            nonce: nonce,
            codeChallenge: challenge,
            codeChallengeMethod: OidcConstants.CodeChallengeMethods.Sha256);

    /// <summary>Runs the whole front channel: authorize, sign in, and back to the client's redirect URI.</summary>
    public static async Task<AuthorizationResponse> SignInAsync(IdpFactory idp, HttpClient browser, string userName, string password,
        string scope = "openid profile email offline_access facility.read")
    {
        var (verifier, challenge) = NewPkce();
        var state = CryptoRandom.CreateUniqueId(16);
        var nonce = CryptoRandom.CreateUniqueId(16);

        var toLogin = await browser.GetAsync(AuthorizeUrl(idp.BaseAddress, challenge, state, nonce, scope));
        toLogin.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toLogin.Headers.Location!.ToString().ShouldContain("/Account/Login");

        var code = await FollowToCallbackAsync(browser, await PostLoginAsync(browser, toLogin.Headers.Location!, userName, password));
        code.State.ShouldBe(state);
        return code with { Nonce = nonce, CodeVerifier = verifier };
    }

    /// <summary>Redeems the code at the token endpoint as the portal does: its secret, redirect URI and PKCE verifier.</summary>
    public static async Task<TokenResponse> RedeemAsync(HttpClient http, AuthorizationResponse response)
    {
        var tokens = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = "connect/token",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            Code = response.Code,
            RedirectUri = IdpFactory.PortalRedirectUri,
            CodeVerifier = response.CodeVerifier,
        });
        tokens.IsError.ShouldBeFalse(tokens.Error);
        return tokens;
    }

    /// <summary>Loads the sign-in page, fills the form, posts it with its anti-forgery token.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, Uri loginPage, string userName, string password)
    {
        var form = await ReadFormAsync(browser, loginPage);
        form["Input.UserName"] = userName;
        form["Input.Password"] = password;
        return await browser.PostAsync(loginPage, new FormUrlEncodedContent(form));
    }

    /// <summary>The named fields of the first form on a page, hidden ones (anti-forgery, return URL) included.</summary>
    public static async Task<Dictionary<string, string>> ReadFormAsync(HttpClient browser, Uri page)
    {
        var html = await browser.GetStringAsync(page);
        var document = await Parser.ParseDocumentAsync(html);
        var form = (document.QuerySelector("form") as IHtmlFormElement).ShouldNotBeNull();
        return form.Elements.OfType<IHtmlInputElement>()
            .Where(input => !string.IsNullOrEmpty(input.Name))
            .ToDictionary(input => input.Name!, input => input.Value);
    }

    public static async Task<string[]> ReadErrorsAsync(HttpResponseMessage response)
    {
        var document = await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        return document.QuerySelectorAll(".error-summary li").Select(li => li.TextContent.Trim()).ToArray();
    }

    /// <summary>Follows redirects inside the provider until one leaves for the client's redirect URI.</summary>
    public static async Task<AuthorizationResponse> FollowToCallbackAsync(HttpClient browser, HttpResponseMessage response)
    {
        for (var hop = 0; hop < 5; hop++)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
            var location = response.Headers.Location!;
            if (!location.IsAbsoluteUri)
            {
                location = new Uri(browser.BaseAddress!, location);
            }

            if (location.ToString().StartsWith(IdpFactory.PortalRedirectUri, StringComparison.Ordinal))
            {
                var query = QueryHelpers.ParseQuery(location.Query);
                query.ContainsKey("error").ShouldBeFalse(location.ToString());
                return new AuthorizationResponse(query["code"]!, query["state"]!, "", "");
            }

            response = await browser.GetAsync(location);
        }

        throw new InvalidOperationException("The provider never redirected back to the client.");
    }
}
