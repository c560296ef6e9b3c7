extern alias idp;

using System.Security.Claims;
using System.Text.Json;
using Cers.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using CersUser = idp::Cers.Idp.Accounts.CersUser;

namespace Cers.EndToEnd.Tests.Passkeys;

/// <summary>
/// The provider alone, real, on a loopback port known before it starts, opened in Debian's Chromium as
/// <c>http://localhost:port</c>: WebAuthn refuses IP addresses as relying-party ids, and <c>localhost</c> is a secure
/// context over plain HTTP. The provider's relying party is configured for exactly that origin. Each person gets a
/// browser context of their own with Chromium's virtual authenticator (DevTools WebAuthn domain): CTAP2, built in,
/// discoverable credentials, user verification that always succeeds.
/// </summary>
public sealed class PasskeyBrowserFixture : IAsyncLifetime, IDisposable
{
    public const string Password = "a long enough test password";

    private readonly TempDirectory _data = new("cers-e2e-passkeys-");
    private IPlaywright? _playwright;

    public SmtpListener Smtp { get; } = new();

    public IdpHost Idp { get; private set; } = null!;

    /// <summary>The provider as the browser addresses it: <c>http://localhost:port/</c>.</summary>
    public Uri Origin { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!Chromium.IsInstalled)
        {
            if (Chromium.IsRequired)
            {
                throw new InvalidOperationException(Chromium.MissingMessage + " CI=true requires the browser tests to run.");
            }

            return;
        }

        var port = Loopback.FreePort();
        Origin = new Uri($"http://localhost:{port}/");
        var settings = new Dictionary<string, string?>(Smtp.Settings())
        {
            ["Passkeys:RelyingPartyId"] = "localhost",
            ["Passkeys:Origins:0"] = $"http://localhost:{port}",
        };
        var host = new IdpHost(_data.Path, settings);
        host.UseKestrel(port);
        Idp = host.Start();

        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            ChromiumSandbox = !Chromium.RunningAsRoot,
        });
    }

    /// <summary>A browser context of its own with one virtual authenticator on its page.</summary>
    public async Task<IPage> NewPersonWithAuthenticatorAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Origin.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var devTools = await context.NewCDPSessionAsync(page);
        await devTools.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        await devTools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return page;
    }

    public async Task<TestAccount> CreateAccountAsync(string firstName = "Pat", string lastName = "Keyholder")
    {
        var name = "p" + Guid.NewGuid().ToString("N")[..12];
        var phrase = $"Seeded phrase of {firstName}";
        var id = await Idp.CreateActiveAccountAsync(name, firstName, lastName, Password, phrase);
        return new TestAccount(id, name, Password, $"{firstName} {lastName}", $"{name}@example.com", phrase);
    }

    /// <summary>The <c>amr</c> values of the provider's session cookie in this browser, read with the provider's own keys.</summary>
    public async Task<IReadOnlyList<string>> SessionMethodsAsync(IPage page)
    {
        var cookie = await CookieAsync(page, IdentityConstants.ApplicationScheme)
            ?? throw new InvalidOperationException("The browser holds no session cookie.");
        var ticket = CookieOptions(IdentityConstants.ApplicationScheme).TicketDataFormat.Unprotect(cookie)
            ?? throw new InvalidOperationException("The session cookie did not decrypt.");
        return [.. ticket.Principal.FindAll("amr").Select(c => c.Value)];
    }

    /// <summary>
    /// What a relying party learns of this browser's sign-in: runs the authorization code flow of the portal's client
    /// from the browser's session (its cookies, stopping at the redirect to the relying party), redeems the code on the back
    /// channel, and answers the ID token's <c>amr</c> values and <c>acr</c>.
    /// </summary>
    public async Task<(IReadOnlyList<string> Amr, string? Acr)> IdTokenMethodsAsync(IPage page)
    {
        var verifier = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var challenge = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        // The browser's own session, carried to a client that stops at the redirect to the relying party.
        var jar = new System.Net.CookieContainer();
        foreach (var cookie in await page.Context.CookiesAsync([Origin.ToString()]))
        {
            jar.Add(Origin, new System.Net.Cookie(cookie.Name, cookie.Value, "/"));
        }

        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = jar }) { BaseAddress = Origin };
        var authorized = await browser.GetAsync("connect/authorize" + QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = DevelopmentClients.PortalClientId,
            ["response_type"] = "code",
            ["scope"] = "openid profile",
            ["redirect_uri"] = DevelopmentClients.PortalRedirectUri,
            ["state"] = "passkey-test",
            ["nonce"] = "passkey-test",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        }));
        var callback = authorized.Headers.Location.ShouldNotBeNull(await authorized.Content.ReadAsStringAsync());
        callback.ToString().ShouldStartWith(DevelopmentClients.PortalRedirectUri);
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query)["code"].ToString();

        using var backChannel = new HttpClient { BaseAddress = Origin };
        var redeemed = await backChannel.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = DevelopmentClients.PortalRedirectUri,
            ["client_id"] = DevelopmentClients.PortalClientId,
            ["client_secret"] = DevelopmentClients.PortalSecret,
            ["code_verifier"] = verifier,
        }));
        var body = await redeemed.Content.ReadAsStringAsync();
        redeemed.IsSuccessStatusCode.ShouldBeTrue(body);
        var idToken = JsonDocument.Parse(body).RootElement.GetProperty("id_token").GetString()!;
        var payload = JsonDocument.Parse(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(idToken.Split('.')[1])).RootElement;
        return ([.. payload.GetProperty("amr").EnumerateArray().Select(m => m.GetString()!)],
            payload.TryGetProperty("acr", out var acr) ? acr.GetString() : null);
    }

    public async Task<bool> HasSessionAsync(IPage page) => await CookieAsync(page, IdentityConstants.ApplicationScheme) is not null;

    /// <summary>The options of the sign-in page's WebAuthn request, as the page hands them to the browser.</summary>
    public static async Task<JsonElement> RequestOptionsAsync(IPage page) =>
        JsonDocument.Parse(await page.Locator("form[data-passkey]").GetAttributeAsync("data-options") ?? "{}").RootElement.Clone();

    private async Task<string?> CookieAsync(IPage page, string scheme)
    {
        var name = CookieOptions(scheme).Cookie.Name;
        return (await page.Context.CookiesAsync([Origin.ToString()])).FirstOrDefault(c => c.Name == name)?.Value;
    }

    private CookieAuthenticationOptions CookieOptions(string scheme) =>
        Idp.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(scheme);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Idp is not null)
        {
            await Idp.DisposeAsync();
        }

        await Smtp.DisposeAsync();
    }

    public void Dispose() => _data.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PasskeyBrowserCollection : ICollectionFixture<PasskeyBrowserFixture>
{
    public const string Name = "passkeys-in-the-browser";
}
