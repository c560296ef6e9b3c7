using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Cers.BusinessPortal.Tests.Infrastructure;

namespace Cers.BusinessPortal.Tests.SignIn;

/// <summary>
/// The portal's back-channel logout endpoint (OpenID Connect Back-Channel Logout 1.0 section 2.6) against logout tokens
/// signed with the provider's own key, the way the provider sends them, and every way a hostile one differs: each of
/// those is a 400 and ends nothing.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class BackChannelLogoutTests(PortalFixture fixture)
{
    private static readonly X509Certificate2 AttackerCertificate = NewCertificate();

    public static TheoryData<string> HostileTokens() =>
    [
        "signed by another key",
        "nonce present",
        "events missing",
        "events without the logout event",
        "logout event not an object",
        "another audience",
        "another issuer",
        "expired",
        "issued long ago",
        "issued in the future",
        "typed as an ID token",
        "neither sub nor sid",
        "no jti",
        "not a JWT",
        "unsigned",
    ];

    [Fact]
    public async Task A_logout_token_naming_the_account_ends_each_of_its_portal_sessions_at_the_next_request_and_nobody_else_s()
    {
        var account = await fixture.CreateAccountAsync("Lou");
        var other = await fixture.CreateAccountAsync("Oli");
        using var first = fixture.NewBrowser();
        using var second = fixture.NewBrowser();
        using var bystander = fixture.NewBrowser();
        await first.SignInAsync(account);
        await second.SignInAsync(account);
        await bystander.SignInAsync(other);

        using var response = await PostAsync(Token(account.Id, sessionId: null));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        foreach (var browser in new[] { first, second })
        {
            using var next = await browser.GetWithoutRedirectAsync("/");
            next.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            next.Headers.Location!.ToString().ShouldStartWith(new Uri(fixture.Idp.BaseAddress, "connect/authorize").ToString());
        }

        (await bystander.GetWithoutRedirectAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A sign-in after the logout is a new session: it is not ended again, though the test clock stands still and the
        // sign-in falls in the same second (a millisecond later).
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var again = await first.OpenAsync("/");
        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Address.ShouldBe(new Uri(fixture.Portal.BaseAddress, "/"));
        (await first.GetWithoutRedirectAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_logout_token_naming_a_session_ends_that_portal_session_only()
    {
        var account = await fixture.CreateAccountAsync("Sid");
        using var first = fixture.NewBrowser();
        using var second = fixture.NewBrowser();
        await first.SignInAsync(account);
        var firstSession = (await fixture.Idp.SessionIdsOfAsync(account.Id)).ShouldHaveSingleItem();
        await second.SignInAsync(account);
        (await fixture.Idp.SessionIdsOfAsync(account.Id)).Count.ShouldBe(2);

        using var response = await PostAsync(Token(account.Id, firstSession));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await first.GetWithoutRedirectAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await second.GetWithoutRedirectAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_logout_token_is_taken_once()
    {
        var account = await fixture.CreateAccountAsync("Rea");
        var token = Token(account.Id, sessionId: null);

        using var firstTime = await PostAsync(token);
        using var replayed = await PostAsync(token);

        firstTime.StatusCode.ShouldBe(HttpStatusCode.OK);
        replayed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ErrorOfAsync(replayed)).ShouldBe("invalid_request");
    }

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task A_hostile_logout_token_is_refused_with_400_and_ends_nothing(string hostile)
    {
        var account = await fixture.CreateAccountAsync("Hal");
        using var browser = fixture.NewBrowser();
        await browser.SignInAsync(account);

        using var response = await PostAsync(HostileToken(hostile, account.Id));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, hostile);
        (await ErrorOfAsync(response)).ShouldBe("invalid_request");
        (await browser.GetWithoutRedirectAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, hostile);
    }

    [Fact]
    public async Task Malformed_requests_are_400_not_500()
    {
        using var http = new HttpClient();
        var endpoint = new Uri(fixture.Portal.BaseAddress, "signout-backchannel");
        var valid = Token("someone", sessionId: null);

        using var json = await http.PostAsync(endpoint, new StringContent("{\"logout_token\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));
        using var none = await http.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>()));
        using var two = await http.PostAsync(endpoint, new FormUrlEncodedContent([new("logout_token", valid), new("logout_token", valid)]));
        using var huge = await http.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = new string('a', 100_000) }));

        foreach (var response in new[] { json, none, two, huge })
        {
            ((int)response.StatusCode).ShouldBeOneOf(400, 413, 415);
        }

        none.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        two.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private string Token(string? subject, string? sessionId, Action<Dictionary<string, object>>? change = null, DateTimeOffset? issuedAt = null,
        string? audience = null, string? issuer = null, X509Certificate2? key = null, string type = "logout+jwt") =>
        LogoutTokens.Write(key ?? ProviderKey(), issuer ?? fixture.Idp.BaseAddress.ToString(), audience ?? DevelopmentClients.PortalClientId,
            subject, sessionId, issuedAt ?? fixture.Clock.GetUtcNow(), change, type);

    private string HostileToken(string hostile, string subject) => hostile switch
    {
        "signed by another key" => Token(subject, null, key: AttackerCertificate),
        "nonce present" => Token(subject, null, c => c["nonce"] = "n-0S6_WzA2Mj"),
        "events missing" => Token(subject, null, c => c.Remove("events")),
        "events without the logout event" => Token(subject, null, c => c["events"] = new Dictionary<string, object> { ["http://example.com/other"] = new Dictionary<string, object>() }),
        "logout event not an object" => Token(subject, null, c => c["events"] = new Dictionary<string, object> { [LogoutTokens.EventType] = "yes" }),
        "another audience" => Token(subject, null, audience: "cers-facility-jobs"),
        "another issuer" => Token(subject, null, issuer: "https://attacker.example/"),
        "expired" => Token(subject, null, issuedAt: fixture.Clock.GetUtcNow().AddMinutes(-4)),
        "issued long ago" => Token(subject, null, c => c["exp"] = fixture.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), issuedAt: fixture.Clock.GetUtcNow().AddMinutes(-30)),
        "issued in the future" => Token(subject, null, issuedAt: fixture.Clock.GetUtcNow().AddMinutes(10)),
        "typed as an ID token" => Token(subject, null, type: "JWT"),
        "neither sub nor sid" => Token(null, null),
        "no jti" => Token(subject, null, c => c.Remove("jti")),
        "not a JWT" => "not-a-token",
        "unsigned" => string.Join('.', Token(subject, null).Split('.')[..2]) + ".",
        _ => throw new ArgumentOutOfRangeException(nameof(hostile), hostile, null),
    };

    private async Task<HttpResponseMessage> PostAsync(string token)
    {
        using var http = new HttpClient();
        return await LogoutTokens.PostAsync(http, new Uri(fixture.Portal.BaseAddress, "signout-backchannel"), token);
    }

    private static async Task<string?> ErrorOfAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetString();
    }

    private X509Certificate2 ProviderKey() => fixture.Idp.LoadSigningCertificate();

    private static X509Certificate2 NewCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=attacker", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.EphemeralKeySet);
    }
}
