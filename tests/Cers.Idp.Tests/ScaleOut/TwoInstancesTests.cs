using System.Net;
using System.Security.Cryptography;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Cers.Idp.Tests.Oidc;

namespace Cers.Idp.Tests.ScaleOut;

/// <summary>
/// Two instances of the provider on one PostgreSQL database and one Redis server, as behind a load balancer: what one
/// instance has seen, the other knows.
/// </summary>
public sealed class TwoInstancesTests
{
    private const string Issuer = "http://cers-idp.test/";

    [ServerFact]
    public async Task A_client_assertion_used_at_one_instance_is_refused_as_a_replay_at_the_other()
    {
        using var key = RSA.Create(2048);
        using var data = new TempDirectory();
        var (first, second) = StartTwo(data.Path, PrivateKeyJwtTests.KeyClientSettings(PrivateKeyJwtTests.PublicJwks(key)));
        using var _ = first;
        using var __ = second;
        using var toFirst = first.CreateBackChannel();
        using var toSecond = second.CreateBackChannel();
        var assertion = PrivateKeyJwtTests.Assertion(key, Issuer);

        var token = await PrivateKeyJwtTests.RequestWithAssertionAsync(toFirst, assertion);
        var replayed = await PrivateKeyJwtTests.RequestWithAssertionAsync(toSecond, assertion);

        token.IsError.ShouldBeFalse(token.Raw);
        replayed.IsError.ShouldBeTrue();
        replayed.Raw.ShouldNotBeNull().ShouldContain("already been used");

        // A fresh assertion is welcome at either.
        (await PrivateKeyJwtTests.RequestWithAssertionAsync(toSecond, PrivateKeyJwtTests.Assertion(key, Issuer))).IsError.ShouldBeFalse();
    }

    [ServerFact]
    public async Task The_per_address_and_per_username_limits_count_the_attempts_made_at_both_instances_together()
    {
        using var data = new TempDirectory();
        var (first, second) = StartTwo(data.Path, new Dictionary<string, string?>
        {
            ["RateLimits:SignIn:PermitLimit"] = "8",
            ["RateLimits:SignIn:Window"] = "01:00:00",
            ["RateLimits:SignInPerUserName:PermitLimit"] = "2",
            ["RateLimits:SignInPerUserName:Window"] = "01:00:00",
        });
        using var _ = first;
        using var __ = second;
        using var atFirst = BrowserSignIn.NewBrowser(first.BaseAddress);
        using var atSecond = BrowserSignIn.NewBrowser(second.BaseAddress);
        var loginAtFirst = new Uri(first.BaseAddress, "/Account/Login");
        var loginAtSecond = new Uri(second.BaseAddress, "/Account/Login");

        // Per username: a password tried for one name at each instance; the third, at either, is refused.
        // (Each try is two posts from 127.0.0.1: the username, then the password.)
        (await BrowserSignIn.PostLoginAsync(atFirst, loginAtFirst, "sameuser", "Wrong-password-1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.PostLoginAsync(atSecond, loginAtSecond, "SameUser", "Wrong-password-2")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.PostLoginAsync(atFirst, loginAtFirst, "sameuser", "Wrong-password-3")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        // Per address: that was six posts; the seventh and eighth pass, the ninth, at the other instance, is refused.
        (await BrowserSignIn.PostUserNameAsync(atSecond, loginAtSecond, "otheruser")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BrowserSignIn.PostUserNameAsync(atSecond, loginAtSecond, "otheruser")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refused = await BrowserSignIn.PostUserNameAsync(atFirst, loginAtFirst, "thirduser");
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.ShouldNotBeNull();
    }

    [ServerFact]
    public async Task A_refresh_token_presented_at_both_instances_at_once_is_redeemed_once_and_its_chain_revoked()
    {
        using var data = new TempDirectory();
        var (first, second) = StartTwo(data.Path, []);
        using var _ = first;
        using var __ = second;
        const string password = "a long enough test password";
        await first.CreateActiveAccountAsync("racer", "Race", "Tester", password);
        using var browser = BrowserSignIn.NewBrowser(first.BaseAddress);
        using var toFirst = first.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(toFirst, await BrowserSignIn.SignInAsync(first, browser, "racer", password));

        // Every other request goes to the other instance, as a load balancer would spread them.
        var channels = Enumerable.Range(0, RefreshRaceTests.Requests)
            .Select(i => (i % 2 == 0 ? first : second).CreateBackChannel()).ToList();
        try
        {
            await RefreshRaceTests.ShouldBeRedeemedOnceAsync(channels, tokens.RefreshToken!);
        }
        finally
        {
            channels.ForEach(c => c.Dispose());
        }
    }

    [ServerFact]
    public async Task A_session_signed_out_at_one_instance_is_refused_at_the_other_on_its_next_request()
    {
        using var data = new TempDirectory();
        var (first, second) = StartTwo(data.Path, []);
        using var _ = first;
        using var __ = second;
        const string password = "a long enough test password";
        await first.CreateActiveAccountAsync("roamer", "Roam", "Tester", password);
        var cookies = new CookieContainer();
        using var atFirst = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = first.BaseAddress };
        (await BrowserSignIn.PostLoginAsync(atFirst, new Uri(first.BaseAddress, "/Account/Login"), "roamer", password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var sessionCookie = cookies.GetCookieHeader(first.BaseAddress);

        // The same browser behind the load balancer: its cookie is good at the other instance too.
        using var atSecond = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = second.BaseAddress };
        (await GetWithCookieAsync(atSecond, sessionCookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Signed out everywhere at the first instance (no password change, so the security stamp stays as it was) ...
        var page = await atFirst.GetAsync("/Account/Manage/Sessions");
        var form = await BrowserSignIn.ReadFormAsync(page, new Uri(first.BaseAddress, "/Account/Manage/Sessions"), "form[action*='handler=EndAll']");
        (await atFirst.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // ... the old cookie is refused at the second at once.
        var refused = await GetWithCookieAsync(atSecond, sessionCookie);
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    private static async Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Manage");
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Two providers on the folder's PostgreSQL database and Redis keys, naming one issuer. The second starts after the
    /// first has migrated the database and generated the Development certificates both use.
    /// </summary>
    private static (IdpHost First, IdpHost Second) StartTwo(string directory, Dictionary<string, string?> settings)
    {
        foreach (var (key, value) in TestDatabase.ServerSettingsFor(directory, DatabaseExtensions.Names.ConnectionStringName))
        {
            settings[key] = value;
        }

        settings["Oidc:Issuer"] = Issuer;
        var first = new IdpHost(directory, settings, kestrel: true).Start();
        return (first, new IdpHost(directory, settings, kestrel: true).Start());
    }
}
