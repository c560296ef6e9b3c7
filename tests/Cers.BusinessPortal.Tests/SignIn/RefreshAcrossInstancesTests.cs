using System.Net;
using Cers.BusinessPortal.SignIn;
using Cers.BusinessPortal.Tests.Infrastructure;
using Cers.ServiceDefaults.SharedState;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cers.BusinessPortal.Tests.SignIn;

/// <summary>
/// Two portal instances (two hosts, each with its own memory, sharing their Data Protection keys and one shared state as
/// Redis would be shared) get one session's requests with the same cookie when its access token is due for renewal. The
/// provider treats a second redemption of a refresh token as theft and revokes the session's whole chain, so between
/// them the instances must redeem it once and both carry on with the tokens that redemption returned.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class RefreshAcrossInstancesTests(PortalFixture fixture)
{
    private const string RefreshTokenType = "urn:ietf:params:oauth:token-type:refresh_token";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_instances_asked_at_once_to_renew_one_session_redeem_its_refresh_token_once_and_the_session_lives_on()
    {
        await using var instances = new TwoInstances(fixture);
        var (account, browser) = await instances.SignInAtAAsync();
        var tabAtA = Copy(browser.Cookies);
        var tabAtB = Copy(browser.Cookies);
        instances.Clock.Advance(PortalFixture.AccessTokenLifetime - TimeSpan.FromSeconds(30));

        // The first instance's redemption is held at the token endpoint until the second instance has either found it under
        // way (and waits for its outcome) or gone to redeem the same token itself: the two overlap every time, not by luck.
        instances.TokenEndpoint.Hold();
        var atA = GetHomeAsync(instances.A, tabAtA);
        await instances.TokenEndpoint.EnteredBy("A").WaitAsync(Timeout);
        var atB = GetHomeAsync(instances.B, tabAtB);
        await Task.WhenAny(instances.Shared.FoundMarked, instances.TokenEndpoint.EnteredBy("B")).WaitAsync(Timeout);
        instances.TokenEndpoint.Release();
        using var responseA = await atA;
        using var responseB = await atB;

        await ShouldHaveRenewedOnceAsync(instances, account, browser, (responseA, tabAtA), (responseB, tabAtB));
        await ShouldLiveOnAsync(instances, account, tabAtA);
    }

    [Fact]
    public async Task An_instance_given_the_old_cookie_after_another_renewed_the_session_takes_that_renewal_instead_of_redeeming_again()
    {
        await using var instances = new TwoInstances(fixture);
        var (account, browser) = await instances.SignInAtAAsync();
        var tabAtA = Copy(browser.Cookies);
        var tabAtB = Copy(browser.Cookies);
        instances.Clock.Advance(PortalFixture.AccessTokenLifetime - TimeSpan.FromSeconds(30));

        // The second request was sent before the first one's new cookie reached the browser, and arrives once the first
        // instance has redeemed the refresh token: a replay of a redeemed token, to the provider, unless the instances share.
        using var responseA = await GetHomeAsync(instances.A, tabAtA);
        using var responseB = await GetHomeAsync(instances.B, tabAtB);

        await ShouldHaveRenewedOnceAsync(instances, account, browser, (responseA, tabAtA), (responseB, tabAtB));
        await ShouldLiveOnAsync(instances, account, tabAtB);
    }

    /// <summary>
    /// Both requests served; the provider asked once, its chain intact; both instances' cookies hold the one new refresh token.
    /// </summary>
    private async Task ShouldHaveRenewedOnceAsync(TwoInstances instances, TestAccount account, PortalBrowser browser,
        params (HttpResponseMessage Response, CookieContainer Tab)[] requests)
    {
        var tokens = await fixture.TokensOfAsync(account);
        var seen = $"statuses {string.Join(", ", requests.Select(r => $"{(int)r.Response.StatusCode} {r.Response.Headers.Location}"))}; " +
            $"{instances.TokenEndpoint.Calls} refresh request(s); provider tokens {string.Join(", ", tokens)}";
        requests.ShouldAllBe(r => r.Response.StatusCode == HttpStatusCode.OK, seen);
        instances.TokenEndpoint.Calls.ShouldBe(1, seen);
        tokens.Count(t => t.Type == RefreshTokenType && t.Status == "redeemed").ShouldBe(1, seen);
        tokens.ShouldNotContain(t => t.Status == "revoked", seen);

        var before = RefreshTokenIn(instances.A, browser.Cookies);
        var renewed = requests.Select(r => RefreshTokenIn(instances.A, r.Tab)).Distinct().ToList();
        renewed.ShouldHaveSingleItem("each instance's cookie should hold the one new refresh token").ShouldNotBe(before);
    }

    /// <summary>The next renewal, with the tokens the shared one returned, works: the chain was not revoked.</summary>
    private async Task ShouldLiveOnAsync(TwoInstances instances, TestAccount account, CookieContainer tab)
    {
        instances.Clock.Advance(PortalFixture.AccessTokenLifetime - TimeSpan.FromSeconds(30));
        using var next = await GetHomeAsync(instances.A, tab);
        next.StatusCode.ShouldBe(HttpStatusCode.OK, next.Headers.Location?.ToString());
        instances.TokenEndpoint.Calls.ShouldBe(2);
        var tokens = await fixture.TokensOfAsync(account);
        tokens.Count(t => t.Type == RefreshTokenType && t.Status == "redeemed").ShouldBe(2, string.Join(", ", tokens));
        tokens.ShouldNotContain(t => t.Status == "revoked");
    }

    /// <summary>The portal's home with <paramref name="tab"/>'s cookies, which take what the response sets; redirects not followed.</summary>
    private static async Task<HttpResponseMessage> GetHomeAsync(PortalHost instance, CookieContainer tab)
    {
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = tab, AllowAutoRedirect = false });
        return await http.GetAsync(instance.BaseAddress);
    }

    /// <summary>A browser tab's own copy of the cookies, as two tabs send the same cookie before either's response is back.</summary>
    private static CookieContainer Copy(CookieContainer cookies)
    {
        var copy = new CookieContainer();
        copy.Add(cookies.GetAllCookies());
        return copy;
    }

    /// <summary>The refresh token in the session cookie of <paramref name="tab"/>, read as the portal reads it.</summary>
    private static string RefreshTokenIn(PortalHost instance, CookieContainer tab)
    {
        var cookie = instance.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = tab.GetCookieHeader(instance.BaseAddress);
        var session = cookie.CookieManager.GetRequestCookie(context, SignInExtensions.SessionCookieName).ShouldNotBeNull();
        var ticket = cookie.TicketDataFormat.Unprotect(session).ShouldNotBeNull();
        return ticket.Properties.GetTokenValue(TokenRefreshEvents.RefreshToken).ShouldNotBeNull();
    }

    /// <summary>
    /// Instances A (at the port the provider knows as a second portal's, so a user can sign in there) and B, on one clock,
    /// with one key ring and one shared state, and their calls to the token endpoint watched. B's address is not one the
    /// provider knows, so a session B ends cannot start a new sign-in there (the provider refuses the pushed request: 500);
    /// either way, anything but 200 fails these tests.
    /// </summary>
    private sealed class TwoInstances : IAsyncDisposable
    {
        private readonly TempDirectory _keys = new("cers-portal-keys-");
        private readonly PortalFixture _fixture;

        public TwoInstances(PortalFixture fixture)
        {
            _fixture = fixture;
            A = Start("A", fixture.SparePortalPort);
            B = Start("B", Loopback.FreePort());
        }

        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        public TokenEndpointWatch TokenEndpoint { get; } = new();

        public WatchedSharedState Shared { get; } = new(new InMemorySharedState(TimeProvider.System));

        public PortalHost A { get; }

        public PortalHost B { get; }

        /// <summary>A new account signed in at instance A; the browser holds its session cookie.</summary>
        public async Task<(TestAccount Account, PortalBrowser Browser)> SignInAtAAsync()
        {
            var account = await _fixture.CreateAccountAsync();
            var browser = new PortalBrowser(A.BaseAddress);
            await browser.SignInAsync(account);
            return (account, browser);
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            _keys.Dispose();
        }

        private PortalHost Start(string name, int port) =>
            new(port, _fixture.Idp.BaseAddress, _fixture.Api.BaseAddress, Clock,
                new Dictionary<string, string?> { ["DataProtection:KeysDirectory"] = _keys.Path },
                services =>
                {
                    services.RemoveAll<ISharedState>();
                    services.AddSingleton<ISharedState>(Shared);
                    services.AddHttpClient(TokenRefresher.HttpClientName).AddHttpMessageHandler(() => TokenEndpoint.HandlerOf(name));
                });
    }

    /// <summary>The instances' requests to the provider's token endpoint: counted, and while held, kept until released.</summary>
    private sealed class TokenEndpointWatch
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Dictionary<string, TaskCompletionSource> _entered = new()
        {
            ["A"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["B"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };

        private volatile bool _held;
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        /// <summary>Completes when <paramref name="instance"/> first sends a request to the token endpoint.</summary>
        public Task EnteredBy(string instance) => _entered[instance].Task;

        public void Hold() => _held = true;

        public void Release() => _released.TrySetResult();

        public DelegatingHandler HandlerOf(string instance) => new Watched(this, instance);

        private sealed class Watched(TokenEndpointWatch watch, string instance) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref watch._calls);
                watch._entered[instance].TrySetResult();
                if (watch._held)
                {
                    await watch._released.Task.WaitAsync(cancellationToken);
                }

                return await base.SendAsync(request, cancellationToken);
            }
        }
    }

    /// <summary>The instances' shared state, telling when an instance found a mark another had set (a redemption under way).</summary>
    private sealed class WatchedSharedState(ISharedState inner) : ISharedState
    {
        private readonly TaskCompletionSource _foundMarked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FoundMarked => _foundMarked.Task;

        public async Task<bool> TryMarkAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default)
        {
            var marked = await inner.TryMarkAsync(key, lifetime, cancellationToken);
            if (!marked)
            {
                _foundMarked.TrySetResult();
            }

            return marked;
        }

        public Task<WindowCount> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default) =>
            inner.CountAsync(key, window, cancellationToken);

        public Task SetAsync(string key, byte[] value, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
            inner.SetAsync(key, value, lifetime, cancellationToken);

        public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task RemoveAsync(string key, CancellationToken cancellationToken = default) => inner.RemoveAsync(key, cancellationToken);
    }
}
