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

/// <summary>A form as a browser would submit it: its action and its named fields.</summary>
public sealed record HtmlForm(Uri Action, Dictionary<string, string> Fields);

/// <summary>What a relying party gets back on its redirect URI, plus the PKCE verifier it kept.</summary>
public sealed record AuthorizationResponse(string Code, string State, string Nonce, string CodeVerifier);

/// <summary>
/// Drives the authorization code flow the way a browser does: follows the provider's redirects by
/// hand, reads the sign-in form (with its anti-forgery token) and posts it back.
/// </summary>
public static class BrowserSignIn
{
    private static readonly HtmlParser Parser = new();

    /// <summary>A browser of one's own for <paramref name="baseAddress"/>: it keeps cookies and does not follow redirects.</summary>
    public static HttpClient NewBrowser(Uri baseAddress) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = new CookieContainer(),
    })
    {
        BaseAddress = baseAddress,
    };

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
    public static async Task<AuthorizationResponse> SignInAsync(IdpHost idp, HttpClient browser, string userName, string password,
        string scope = "openid profile email offline_access facility.read")
    {
        var (verifier, challenge) = NewPkce();
        var state = CryptoRandom.CreateUniqueId(16);
        var nonce = CryptoRandom.CreateUniqueId(16);

        var toLogin = await browser.GetAsync(AuthorizeUrl(idp.BaseAddress, challenge, state, nonce, scope));
        toLogin.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toLogin.Headers.Location!.ToString().ShouldContain("/Account/Login");

        var code = await FollowToCallbackAsync(browser, await PostLoginAsync(browser, toLogin.Headers.Location!, userName, password), userName);
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

    /// <summary>Renews tokens at the token endpoint as the portal does: its secret and the refresh token.</summary>
    public static Task<TokenResponse> RefreshAsync(HttpClient http, string refreshToken) =>
        http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "connect/token",
            ClientId = IdpFactory.PortalClientId,
            ClientSecret = IdpFactory.PortalSecret,
            RefreshToken = refreshToken,
        });

    /// <summary>
    /// The two-step sign-in as a person does it: loads the sign-in page, posts the username, reads the
    /// protection-phrase step and posts the password, each with its anti-forgery token.
    /// </summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, Uri loginPage, string userName, string password)
    {
        var phraseStep = await PostUserNameAsync(browser, loginPage, userName);
        phraseStep.StatusCode.ShouldBe(HttpStatusCode.OK);
        var form = await ReadFormAsync(phraseStep, loginPage);
        form.Fields["Input.Password"] = password;
        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }

    /// <summary>The first sign-in step: the answer is the page with the protection phrase and the password field.</summary>
    public static async Task<HttpResponseMessage> PostUserNameAsync(HttpClient browser, Uri loginPage, string userName)
    {
        var form = await ReadFormAsync(await browser.GetAsync(loginPage), loginPage);
        form.Fields["Input.UserName"] = userName;
        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }

    /// <summary>The protection phrase the second sign-in step shows.</summary>
    public static async Task<string> ReadProtectionPhraseAsync(HttpResponseMessage phraseStep)
    {
        var document = await Parser.ParseDocumentAsync(await phraseStep.Content.ReadAsStringAsync());
        return document.QuerySelector("[data-testid=protection-phrase]").ShouldNotBeNull().TextContent.Trim();
    }

    /// <summary>The named fields of the first form on a page, hidden ones (anti-forgery, return URL) included.</summary>
    public static async Task<Dictionary<string, string>> ReadFormAsync(HttpClient browser, Uri page) =>
        (await ReadFormAsync(await browser.GetAsync(page), page)).Fields;

    /// <summary>Where the first (or the selected) form of a response posts to, and its named fields.</summary>
    public static async Task<HtmlForm> ReadFormAsync(HttpResponseMessage response, Uri page, string selector = "main form")
    {
        var html = await response.Content.ReadAsStringAsync();
        var document = await Parser.ParseDocumentAsync(html);
        var form = (document.QuerySelector(selector) as IHtmlFormElement).ShouldNotBeNull(html);
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? page : new Uri(page, form.GetAttribute("action"));
        var fields = form.Elements.OfType<IHtmlInputElement>()
            .Where(input => !string.IsNullOrEmpty(input.Name) && (input.Type is not ("checkbox" or "radio") || input.IsChecked))
            .GroupBy(input => input.Name!)
            .ToDictionary(group => group.Key, group => group.First().Value);
        return new HtmlForm(action, fields);
    }

    public static async Task<string[]> ReadErrorsAsync(HttpResponseMessage response)
    {
        var document = await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        return document.QuerySelectorAll(".error-summary li").Select(li => li.TextContent.Trim()).ToArray();
    }

    /// <summary>
    /// Follows redirects inside the provider until one leaves for the client's redirect URI. For
    /// <paramref name="userName"/> it answers the second sign-in step with the test authenticator, and enrols one
    /// when the provider sends the account to enrol (the MFA policy), as a person with an app would.
    /// </summary>
    public static async Task<AuthorizationResponse> FollowToCallbackAsync(HttpClient browser, HttpResponseMessage response, string? userName = null)
    {
        for (var hop = 0; hop < 10; hop++)
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

            if (userName is not null && location.AbsolutePath == "/Account/LoginWith2fa")
            {
                response = await AnswerSecondFactorAsync(browser, location, userName);
                continue;
            }

            if (userName is not null && location.AbsolutePath == "/Account/Manage/Authenticator")
            {
                response = await EnrolAuthenticatorAsync(browser, location, userName);
                continue;
            }

            response = await browser.GetAsync(location);
        }

        throw new InvalidOperationException("The provider never redirected back to the client.");
    }

    /// <summary>
    /// Signs in at the provider's own pages with a second factor, as a CERS admin must before the admin pages open:
    /// the password, then the test authenticator's code, or, for an account without a factor yet, enrolment.
    /// </summary>
    public static async Task SignInWithSecondFactorAsync(HttpClient browser, string userName, string password)
    {
        var signedIn = await PostLoginAsync(browser, new Uri(browser.BaseAddress!, "/Account/Login"), userName, password);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        var next = new Uri(browser.BaseAddress!, signedIn.Headers.Location!);
        var answered = next.AbsolutePath == "/Account/LoginWith2fa"
            ? await AnswerSecondFactorAsync(browser, next, userName)
            : await EnrolAuthenticatorAsync(browser, new Uri(browser.BaseAddress!, "/Account/Manage/Authenticator"), userName);
        answered.IsSuccessStatusCode.ShouldBe(answered.StatusCode != HttpStatusCode.Redirect, await answered.Content.ReadAsStringAsync());
    }

    /// <summary>Posts the next authenticator code of <paramref name="userName"/> on the second-step page; the answer is its redirect.</summary>
    public static async Task<HttpResponseMessage> AnswerSecondFactorAsync(HttpClient browser, Uri page, string userName)
    {
        var form = await ReadFormAsync(await browser.GetAsync(page), page);
        form.Fields["Code"] = await TestAuthenticator.NextCodeAsync(page, userName);
        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }

    /// <summary>
    /// Enrols an authenticator on the enrolment page as a person does: reads the key it shows, confirms with a code,
    /// and follows "Continue"; the answer is that link's response. The recovery codes shown are returned through
    /// <paramref name="recoveryCodes"/> when asked for.
    /// </summary>
    public static async Task<HttpResponseMessage> EnrolAuthenticatorAsync(HttpClient browser, Uri page, string userName, List<string>? recoveryCodes = null)
    {
        var setup = await browser.GetAsync(page);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await setup.Content.ReadAsStringAsync();
        var document = await Parser.ParseDocumentAsync(html);
        var key = document.QuerySelector("[data-testid=authenticator-key]").ShouldNotBeNull(html).TextContent;
        TestAuthenticator.Enrolled(page, userName, key);
        var form = await ReadFormAsync(setup, page, "form[action*=Confirm]");
        form.Fields["Confirm.Code"] = await TestAuthenticator.NextCodeAsync(page, userName);
        var confirmed = await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
        var done = await Parser.ParseDocumentAsync(await confirmed.Content.ReadAsStringAsync());
        var codes = done.QuerySelectorAll("[data-testid=recovery-codes] li").Select(li => li.TextContent.Trim()).ToList();
        codes.Count.ShouldBe(10, await confirmed.Content.ReadAsStringAsync());
        recoveryCodes?.AddRange(codes);
        var next = done.QuerySelectorAll("a").First(a => a.TextContent.Trim() == "Continue").GetAttribute("href")!;
        return await browser.GetAsync(new Uri(page, next));
    }
}
