using System.Net;
using Cers.Idp.Tests.Infrastructure;
using Cers.Idp.Oidc;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Tests.Oidc;

/// <summary>
/// One refresh token presented by several token requests at the same instant: rotation with no reuse leeway means
/// exactly one of them is answered with new tokens, and the others are a reuse (RFC 9700 section 4.14.2) that ends
/// the chain, as a replay made one after the other does.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class RefreshRaceTests(IdpFactory idp)
{
    public const int Requests = 8;

    private const string Password = "a long enough test password";

    [Fact]
    public async Task A_refresh_token_presented_by_eight_requests_at_once_is_redeemed_once_and_its_chain_revoked()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        using var http = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(http, await BrowserSignIn.SignInAsync(idp, browser, user.UserName!, Password));

        var channels = Enumerable.Range(0, Requests).Select(_ => idp.CreateBackChannel()).ToList();
        try
        {
            await ShouldBeRedeemedOnceAsync(channels, tokens.RefreshToken!);
        }
        finally
        {
            channels.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_refresh_token_replayed_while_its_redemption_is_still_issuing_tokens_revokes_the_tokens_it_issues()
    {
        // The first redemption is held after it has marked the token redeemed and before it writes the new tokens, while the
        // replay arrives: the chain's tokens revoked at that moment cannot include the ones not written yet.
        var redeemed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, kestrel: true, services: services => services.AddOpenIddict().AddServer(server =>
            server.AddEventHandler<ProcessSignInContext>(handler => handler
                .UseInlineHandler(async context =>
                {
                    if (context.Request?.IsRefreshTokenGrantType() == true && Interlocked.Exchange(ref held, 1) == 0)
                    {
                        redeemed.SetResult();
                        await release.Task;
                    }
                })
                .SetOrder(RefreshTokenReuse.Redemption.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom))));
        host.Start();
        await host.CreateActiveAccountAsync("replayed", "Replay", "Tester", Password);
        using var browser = BrowserSignIn.NewBrowser(host.BaseAddress);
        using var http = host.CreateBackChannel();
        using var other = host.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(http, await BrowserSignIn.SignInAsync(host, browser, "replayed", Password));

        var redemption = BrowserSignIn.RefreshAsync(http, tokens.RefreshToken!);
        await redeemed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var replay = await BrowserSignIn.RefreshAsync(other, tokens.RefreshToken!);
        release.SetResult();
        var redeemedOnce = await redemption;

        redeemedOnce.IsError.ShouldBeFalse(redeemedOnce.Error);
        replay.Error.ShouldBe("invalid_grant");
        (await BrowserSignIn.RefreshAsync(http, redeemedOnce.RefreshToken!)).Error.ShouldBe("invalid_grant");
    }

    /// <summary>
    /// Sends one refresh request per channel at the same instant, and checks that exactly one got new tokens, every other
    /// one <c>invalid_grant</c>, and that the one new refresh token was revoked with the chain.
    /// </summary>
    internal static async Task ShouldBeRedeemedOnceAsync(IReadOnlyList<HttpClient> channels, string refreshToken)
    {
        var responses = await RefreshAtOnceAsync(channels, refreshToken);

        var seen = string.Join(", ", responses.Select(r => $"{(int)r.HttpStatusCode} {r.Error}"));
        var redeemed = responses.Where(r => !r.IsError).ShouldHaveSingleItem(seen);
        responses.Where(r => r.IsError).ShouldAllBe(r => r.HttpStatusCode == HttpStatusCode.BadRequest && r.Error == "invalid_grant", seen);

        // The reuse may have been a thief's: the token the one redemption returned dies with the chain, whichever request
        // won, and whether the others arrived while it was under way or once it was done.
        var next = await BrowserSignIn.RefreshAsync(channels[0], redeemed.RefreshToken!);
        next.IsError.ShouldBeTrue();
        next.Error.ShouldBe("invalid_grant");
    }

    /// <summary>
    /// One refresh request per channel, each sent from a thread of its own once all the threads are ready, over a
    /// connection opened beforehand, so the requests overlap at the provider rather than arrive one by one.
    /// </summary>
    private static async Task<TokenResponse[]> RefreshAtOnceAsync(IReadOnlyList<HttpClient> channels, string refreshToken)
    {
        await Task.WhenAll(channels.Select(c => c.GetAsync(".well-known/openid-configuration")));

        using var ready = new Barrier(channels.Count);
        var sent = channels.Select(channel => Task.Factory.StartNew(() =>
        {
            ready.SignalAndWait(TimeSpan.FromSeconds(30)).ShouldBeTrue();
            return BrowserSignIn.RefreshAsync(channel, refreshToken);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToList();

        return await Task.WhenAll(sent);
    }
}
