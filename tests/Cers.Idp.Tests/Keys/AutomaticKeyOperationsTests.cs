using System.Net;
using Cers.Idp.Admin;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Keys;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cers.Idp.Tests.Keys;

/// <summary>
/// Automatic keys at several instances, an operator's early rotation and retirement (command and admin page), and the
/// settings refused at start.
/// </summary>
public sealed class AutomaticKeyOperationsTests
{
    private const string Password = "a long enough test password";

    [Fact]
    public Task Two_instances_noticing_at_once_that_a_key_is_due_make_exactly_one() =>
        TwoInstancesMakeOneKeyAsync(server: false);

    [ServerFact]
    public Task Two_instances_on_PostgreSQL_noticing_at_once_that_a_key_is_due_make_exactly_one() =>
        TwoInstancesMakeOneKeyAsync(server: true);

    [Fact]
    public async Task An_early_rotation_signs_with_new_keys_at_once_and_a_retired_key_leaves_the_JWKS_at_once()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: false, AutomaticKeyRotationTests.AutomaticSettings);
        var keys = idp.Services.GetRequiredService<AutomaticSigningKeys>();
        using var http = idp.Host.CreateBackChannel();
        var before = await DevelopmentClients.RegulatorAccessTokenAsync(http);
        var first = new JsonWebToken(before).Kid;
        await idp.Host.CreateActiveAccountAsync("retiring1", "Re", "Tiring", Password);
        using var browser = idp.CreateBrowser();
        var signedIn = await BrowserSignIn.RedeemAsync(http, await BrowserSignIn.SignInAsync(idp.Host, browser, "retiring1", Password));
        var firstRsa = new JsonWebToken(signedIn.IdentityToken).Kid;
        using var otherBrowser = idp.CreateBrowser();
        var oldRefreshToken = (await BrowserSignIn.RedeemAsync(http,
            await BrowserSignIn.SignInAsync(idp.Host, otherBrowser, "retiring1", Password))).RefreshToken!;

        var rotated = await RunAsync(idp, "keys", "rotate");
        rotated.ExitCode.ShouldBe(AdminCommandLine.Done, rotated.Error);

        // Other instances read the table every Keys:Automatic:RefreshInterval; this is that round.
        await keys.RefreshAsync(CancellationToken.None);
        var after = await DevelopmentClients.RegulatorAccessTokenAsync(http);
        var second = new JsonWebToken(after).Kid;
        second.ShouldNotBe(first);
        rotated.Output.ShouldContain(second);
        var jwks = await AutomaticKeyRotationTests.JwksAsync(http);
        jwks.Keys.Select(k => k.Kid).ShouldContain(first);
        (await AutomaticKeyRotationTests.IsValidAsync(before, jwks, idp.Host)).ShouldBeTrue("the replaced key stays published for the tokens it signed");

        // The provider's own tokens signed before the rotation still work; ID tokens now come from the new RS256 key.
        var refreshed = await BrowserSignIn.RefreshAsync(http, signedIn.RefreshToken!);
        refreshed.IsError.ShouldBeFalse(refreshed.Error);
        new JsonWebToken(refreshed.IdentityToken).Kid.ShouldNotBe(firstRsa);
        var keptRefreshToken = refreshed.RefreshToken!;

        var retired = await RunAsync(idp, "keys", "retire", first);
        retired.ExitCode.ShouldBe(AdminCommandLine.Done, retired.Error);
        (await RunAsync(idp, "keys", "retire", firstRsa)).ExitCode.ShouldBe(AdminCommandLine.Done);
        await keys.RefreshAsync(CancellationToken.None);

        // A refresh token signed with a retired key is refused by the provider itself; one signed after is not.
        (await BrowserSignIn.RefreshAsync(http, keptRefreshToken)).IsError.ShouldBeFalse();
        (await BrowserSignIn.RefreshAsync(http, oldRefreshToken)).Error.ShouldBe("invalid_grant");
        jwks = await AutomaticKeyRotationTests.JwksAsync(http);
        jwks.Keys.Select(k => k.Kid).ShouldNotContain(first);
        (await AutomaticKeyRotationTests.IsValidAsync(before, jwks, idp.Host)).ShouldBeFalse();
        (await AutomaticKeyRotationTests.IsValidAsync(after, jwks, idp.Host)).ShouldBeTrue();

        // Retiring the key that signs: a new one takes over at once, so signing never stops.
        (await RunAsync(idp, "keys", "retire", second)).ExitCode.ShouldBe(AdminCommandLine.Done);
        await keys.RefreshAsync(CancellationToken.None);
        var third = new JsonWebToken(await DevelopmentClients.RegulatorAccessTokenAsync(http)).Kid;
        third.ShouldNotBeOneOf(first, second);
        (await AutomaticKeyRotationTests.JwksAsync(http)).Keys.Select(k => k.Kid).ShouldNotContain(second);

        var again = await RunAsync(idp, "keys", "retire", first);
        again.ExitCode.ShouldBe(AdminCommandLine.Refused);
        (await RunAsync(idp, "keys", "retire")).ExitCode.ShouldBe(AdminCommandLine.UsageError);
        var list = await RunAsync(idp, "keys", "list");
        list.Output.ShouldContain($"{third}  ES256");
        list.Output.ShouldContain($"{first}  ES256");
        list.Output.ShouldContain("retired");

        var audit = await idp.QueryAsync(db => db.AuditEvents.Where(a => a.Kind == AuditKinds.SigningKeyRetired).ToListAsync());
        audit.Select(a => a.Detail).ShouldBe([$"ES256 key {first}, by {audit[0].UserName}", $"RS256 key {firstRsa}, by {audit[0].UserName}",
            $"ES256 key {second}, by {audit[0].UserName}"], ignoreOrder: true);
        audit[0].UserName.ShouldStartWith("command line");
    }

    [Fact]
    public async Task The_keys_command_refuses_in_certificate_mode()
    {
        await using var idp = IsolatedIdp.Start();
        var run = await RunAsync(idp, "keys", "rotate");
        run.ExitCode.ShouldBe(AdminCommandLine.Refused);
        run.Error.ShouldContain("Keys:Mode is Certificates");
    }

    [Fact]
    public async Task The_keys_page_is_for_CERS_admins_with_a_second_factor_and_its_changes_are_audited_with_the_admins_name()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: false, AutomaticKeyRotationTests.AutomaticSettings);
        using var anonymous = idp.CreateBrowser();
        var toLogin = await anonymous.GetAsync("/Admin/Keys");
        toLogin.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toLogin.Headers.Location!.ToString().ShouldContain("/Account/Login");

        await idp.Host.CreateActiveAccountAsync("keysuser1", "Not", "Admin", "a long enough test password");
        using var ordinary = idp.CreateBrowser();
        await BrowserSignIn.PostLoginAsync(ordinary, new Uri(idp.Host.BaseAddress, "/Account/Login"), "keysuser1", "a long enough test password");
        var denied = await ordinary.GetAsync("/Admin/Keys");
        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.AbsolutePath.ShouldBe("/Account/AccessDenied");

        // A CERS admin with a password alone is sent to prove a second factor first.
        using var admin = idp.CreateBrowser();
        (await BrowserSignIn.PostLoginAsync(admin, new Uri(idp.Host.BaseAddress, "/Account/Login"), "cersadmin1", "help desk sample password 1"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await admin.GetAsync("/Admin/Keys")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var withFactor = idp.CreateBrowser();
        await BrowserSignIn.SignInWithSecondFactorAsync(withFactor, "cersadmin1", "help desk sample password 1");
        var page = await withFactor.GetAsync("/Admin/Keys");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var http = idp.Host.CreateBackChannel();
        var signing = new JsonWebToken(await DevelopmentClients.RegulatorAccessTokenAsync(http)).Kid;
        (await page.Content.ReadAsStringAsync()).ShouldContain(signing);

        // Without the page's anti-forgery token the post changes nothing.
        var forged = await withFactor.PostAsync("/Admin/Keys?handler=Rotate", new FormUrlEncodedContent([]));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await idp.QueryAsync(db => db.SigningKeys.CountAsync())).ShouldBe(2);

        var rotate = await BrowserSignIn.ReadFormAsync(page, new Uri(idp.Host.BaseAddress, "/Admin/Keys"), "form[action*='handler=Rotate']");
        var rotated = await withFactor.PostAsync(rotate.Action, new FormUrlEncodedContent(rotate.Fields));
        rotated.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await (await withFactor.GetAsync("/Admin/Keys")).Content.ReadAsStringAsync()).ShouldContain("New keys sign from now on");
        var next = new JsonWebToken(await DevelopmentClients.RegulatorAccessTokenAsync(http)).Kid;
        next.ShouldNotBe(signing);

        var list = await withFactor.GetAsync("/Admin/Keys");
        var retire = await BrowserSignIn.ReadFormAsync(list, new Uri(idp.Host.BaseAddress, "/Admin/Keys"), $"tr[data-key-id='{signing}'] form");
        (await withFactor.PostAsync(retire.Action, new FormUrlEncodedContent(retire.Fields))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await AutomaticKeyRotationTests.JwksAsync(http)).Keys.Select(k => k.Kid).ShouldNotContain(signing);

        var audit = await idp.QueryAsync(db => db.AuditEvents
            .Where(a => a.Kind == AuditKinds.SigningKeyCreated || a.Kind == AuditKinds.SigningKeyRetired)
            .Where(a => a.UserName == "cersadmin1")
            .ToListAsync());
        audit.Count(a => a.Kind == AuditKinds.SigningKeyCreated).ShouldBe(2);
        audit.Single(a => a.Kind == AuditKinds.SigningKeyRetired).Detail.ShouldBe($"ES256 key {signing}, by cersadmin1");
        audit.ShouldAllBe(a => a.SubjectId != null);
    }

    [Theory]
    [InlineData("Keys:Mode", "Sometimes", "Keys:Mode")]
    [InlineData("Keys:Automatic:Lifetime", "-1.00:00:00", "Keys:Automatic:Lifetime must be longer than zero")]
    [InlineData("Keys:Automatic:Propagation", "-00:00:01", "Keys:Automatic:Propagation must be longer than zero")]
    [InlineData("Keys:Automatic:Propagation", "90.00:00:00", "Keys:Automatic:Propagation (90.00:00:00) must be shorter than Keys:Automatic:Lifetime")]
    [InlineData("Keys:Automatic:JwksMaxAge", "2.00:00:00", "Keys:Automatic:JwksMaxAge")]
    [InlineData("Keys:Automatic:Retention", "7.00:00:00", "Keys:Automatic:Retention (7.00:00:00) must be longer than the longest token lifetime")]
    public void A_bad_key_setting_stops_the_provider_at_start_naming_the_setting(string key, string value, string expected)
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?> { ["Keys:Mode"] = "Automatic", [key] = value });

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain(expected);
    }

    [Fact]
    public void Outside_development_automatic_mode_needs_no_signing_certificate_but_still_the_encryption_certificates()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?> { ["Keys:Mode"] = "Automatic" }, environment: "Production");

        var failure = Should.Throw<Exception>(() => host.Start()).ToString();

        failure.ShouldContain("Keys:EncryptionCertificates is not configured");
        failure.ShouldNotContain("Keys:SigningCertificates");
    }

    private static async Task TwoInstancesMakeOneKeyAsync(bool server)
    {
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Keys:Mode"] = "Automatic" };
        if (server)
        {
            foreach (var (key, value) in TestDatabase.ServerSettingsFor(data.Path, DatabaseExtensions.Names.ConnectionStringName))
            {
                settings[key] = value;
            }
        }

        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        FakeTimeProvider[] clocks = [new(start), new(start)];
        using var first = new IdpHost(data.Path, settings, kestrel: true, services: s => s.AddSingleton<TimeProvider>(clocks[0])).Start();
        using var second = new IdpHost(data.Path, settings, kestrel: true, services: s => s.AddSingleton<TimeProvider>(clocks[1])).Start();
        IdpHost[] hosts = [first, second];

        async Task<List<SigningKey>> KeysAsync()
        {
            await using var scope = first.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().SigningKeys.AsNoTracking().ToListAsync();
        }

        Task RefreshBothAsync() => Task.WhenAll(hosts.Select(h => Task.Run(() => h.Services.GetRequiredService<AutomaticSigningKeys>().RefreshAsync(CancellationToken.None))));

        // The first instance made the first pair on the empty database; the second found them.
        (await KeysAsync()).Count.ShouldBe(2);

        // Both clocks pass the moment the successors are due (lifetime 90 days, propagation 2): both instances notice.
        foreach (var clock in clocks)
        {
            clock.Advance(TimeSpan.FromDays(88.5));
        }

        await RefreshBothAsync();
        await RefreshBothAsync();
        var keys = await KeysAsync();
        keys.Count.ShouldBe(4);
        keys.GroupBy(k => k.Algorithm).ShouldAllBe(g => g.Count() == 2);

        // An empty table (every key gone) noticed at once by many requests' worth of racers at both instances: one pair
        // again, round after round.
        for (var round = 0; round < 5; round++)
        {
            await using (var scope = first.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<IdpDbContext>().SigningKeys.ExecuteDeleteAsync();
            }

            await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                await using var scope = hosts[i % 2].Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<SigningKeyStore>().MakeDueKeysAsync(CancellationToken.None);
            })));
            (await KeysAsync()).Count.ShouldBe(2, $"round {round}");
        }

        await RefreshBothAsync();

        // Both serve the same keys.
        using var toFirst = first.CreateBackChannel();
        using var toSecond = second.CreateBackChannel();
        var served = (await AutomaticKeyRotationTests.JwksAsync(toFirst)).Keys.Select(k => k.Kid).Order().ToList();
        served.ShouldBe((await AutomaticKeyRotationTests.JwksAsync(toSecond)).Keys.Select(k => k.Kid).Order().ToList());
        served.ShouldBe((await KeysAsync()).Select(k => k.Id).Order().ToList());
    }

    private static async Task<(int? ExitCode, string Output, string Error)> RunAsync(IsolatedIdp idp, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await idp.Services.RunCommandAsync(args, output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }
}
