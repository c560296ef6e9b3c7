using System.Net;
using Cers.Idp.Audit;
using Cers.Idp.SignIn;
using Cers.Idp.Tests.Infrastructure;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.SignIn;

/// <summary>
/// Rate limits behind a proxy, as a security review attacked them: limits keyed on the socket address put
/// every visitor behind a load balancer into one bucket (one person could block sign-in for everyone),
/// and believing <c>X-Forwarded-For</c> from anyone would let each request choose its own bucket. Only the
/// proxies named in <c>ForwardedHeaders</c> are believed, and the forms are limited per account as well.
/// </summary>
public sealed class ClientAddressTests
{
    private const string Proxy = "127.0.0.1";

    [Fact]
    public async Task Behind_a_named_proxy_each_client_has_its_own_registration_limit_and_its_own_address_in_the_audit()
    {
        await using var idp = IsolatedIdp.Start(false,
            ("ForwardedHeaders:KnownProxies:0", Proxy),
            ("RateLimits:Registration:PermitLimit", "2"), ("RateLimits:Registration:Window", "01:00:00"));
        using var first = Behind(idp, "203.0.113.10");
        using var second = Behind(idp, "203.0.113.20");

        var applicant = Applicant.New();
        (await AccountForms.RegisterAsync(first, applicant)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await AccountForms.RegisterAsync(first, Applicant.New())).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await AccountForms.RegisterAsync(first, Applicant.New())).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        // The same proxy's connection, another client: not counted against the first.
        (await AccountForms.RegisterAsync(second, Applicant.New())).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var registered = await idp.QueryAsync(db => db.AuditEvents.SingleAsync(a => a.Kind == AuditKinds.Registered && a.UserName == applicant.UserName));
        registered.IpAddress.ShouldBe("203.0.113.10");
    }

    [Fact]
    public async Task A_client_that_is_no_named_proxy_cannot_escape_its_limit_by_inventing_X_Forwarded_For()
    {
        await using var idp = IsolatedIdp.Start(false, ("RateLimits:Registration:PermitLimit", "2"), ("RateLimits:Registration:Window", "01:00:00"));

        for (var i = 1; i <= 2; i++)
        {
            using var spoofing = Behind(idp, $"198.51.100.{i}");
            (await AccountForms.RegisterAsync(spoofing, Applicant.New())).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        using var third = Behind(idp, "198.51.100.3");
        var applicant = Applicant.New();
        (await AccountForms.RegisterAsync(third, applicant)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await idp.QueryAsync(db => db.AuditEvents.Where(a => a.IpAddress != null && a.IpAddress.StartsWith("198.51.100.")).CountAsync()))
            .ShouldBe(0);
    }

    [Fact]
    public async Task Password_attempts_at_one_username_from_many_addresses_stop_at_the_per_username_limit_known_or_unknown()
    {
        await using var idp = IsolatedIdp.Start(false,
            ("ForwardedHeaders:KnownProxies:0", Proxy),
            ("RateLimits:SignInPerUserName:PermitLimit", "3"), ("RateLimits:SignInPerUserName:Window", "01:00:00"));
        var login = new Uri(idp.Host.BaseAddress, "/Account/Login");
        var known = await CreateAccountAsync(idp);

        foreach (var userName in new[] { known.UserName, "madeup" + Guid.NewGuid().ToString("N")[..8] })
        {
            for (var i = 1; i <= 3; i++)
            {
                using var client = Behind(idp, $"192.0.2.{i}");
                (await BrowserSignIn.PostLoginAsync(client, login, userName, "not the password " + i)).StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            using var fourth = Behind(idp, "192.0.2.99");
            var limited = await BrowserSignIn.PostLoginAsync(fourth, login, userName.ToUpperInvariant(), "not the password 4");
            limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, userName);
            limited.Headers.RetryAfter.ShouldNotBeNull();
            (await limited.Content.ReadAsStringAsync()).ShouldContain("Too many attempts");
        }

        using var other = Behind(idp, "192.0.2.99");
        (await BrowserSignIn.PostLoginAsync(other, login, "someoneelse1", "not the password")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Recovery_requests_for_one_username_stop_at_the_per_account_limit()
    {
        await using var idp = IsolatedIdp.Start(false,
            ("ForwardedHeaders:KnownProxies:0", Proxy),
            ("RateLimits:RecoveryPerAccount:PermitLimit", "2"), ("RateLimits:RecoveryPerAccount:Window", "01:00:00"));
        var fields = new Dictionary<string, string> { ["UserName"] = "target" + Guid.NewGuid().ToString("N")[..8] };

        using var first = Behind(idp, "192.0.2.1");
        using var second = Behind(idp, "192.0.2.2");
        using var third = Behind(idp, "192.0.2.3");
        (await AccountForms.SubmitAsync(first, "/Account/ForgotPassword", fields)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.SubmitAsync(second, "/Account/ForgotPassword", fields)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.SubmitAsync(third, "/Account/ForgotPassword", fields)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Forgot_username_and_password_do_the_same_work_on_the_request_for_real_and_unknown_accounts()
    {
        // No job server: what the request itself did stays visible.
        await using var idp = IsolatedIdp.Start(false, ("Jobs:RunServer", "false"));
        var known = await CreateAccountAsync(idp);
        var unknownEmail = $"nobody.{Guid.NewGuid():N}@example.com";
        var unknownName = "nobody" + Guid.NewGuid().ToString("N")[..8];
        var before = await CountWritesAsync(idp);

        using var browser = idp.CreateBrowser();
        foreach (var (page, field, value) in new[]
        {
            ("/Account/ForgotUsername", "Email", known.Email),
            ("/Account/ForgotUsername", "Email", unknownEmail),
            ("/Account/ForgotPassword", "UserName", known.UserName),
            ("/Account/ForgotPassword", "UserName", unknownName),
        })
        {
            (await AccountForms.SubmitAsync(browser, page, new Dictionary<string, string> { [field] = value })).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Nothing was looked up and written for either kind: each request queued one job, and that is all.
        (await CountWritesAsync(idp)).ShouldBe(before);
        var queued = idp.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 100)
            .Select(j => j.Value.Job).Where(j => j.Type == typeof(RecoveryRequestJob)).Select(j => (string)j.Args[0]!).ToList();
        queued.ShouldAllBe(sealedRequest => !sealedRequest.Contains(known.Email, StringComparison.OrdinalIgnoreCase)
            && !sealedRequest.Contains(known.UserName, StringComparison.OrdinalIgnoreCase));
        var opened = queued.Select(q => RecoveryRequests.Open(idp.Services.GetRequiredService<IDataProtectionProvider>(), q)).ToList();
        opened.Select(r => (r.Kind, r.Value)).ShouldBe(
        [
            (RecoveryRequestKind.UserName, known.Email),
            (RecoveryRequestKind.UserName, unknownEmail),
            (RecoveryRequestKind.PasswordReset, known.UserName),
            (RecoveryRequestKind.PasswordReset, unknownName),
        ], ignoreOrder: true);
        opened.ShouldAllBe(r => r.ClientAddress == "127.0.0.1");
    }

    private static async Task<(string UserName, string Email)> CreateAccountAsync(IsolatedIdp idp)
    {
        var userName = "known" + Guid.NewGuid().ToString("N")[..8];
        await idp.Host.CreateActiveAccountAsync(userName, "Kim", "Known", "a long enough known password");
        return (userName, $"{userName}@example.com");
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.0.0.300", "ForwardedHeaders:KnownProxies must hold IP addresses")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99", "ForwardedHeaders:KnownNetworks must hold networks in CIDR form")]
    [InlineData("ForwardedHeaders:ForwardLimit", "0", "ForwardedHeaders:ForwardLimit must be from 1 to 10")]
    [InlineData("FORWARDEDHEADERS_ENABLED", "true", "ASPNETCORE_FORWARDEDHEADERS_ENABLED would believe X-Forwarded-For from any client")]
    public void A_proxy_setting_that_would_trust_the_wrong_clients_stops_the_provider_at_start_and_names_the_setting(
        string key, string value, string message)
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?> { [key] = value });

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain(message);
    }

    private static async Task<(int Audit, int Outbox)> CountWritesAsync(IsolatedIdp idp) =>
        (await idp.QueryAsync(db => db.AuditEvents.CountAsync()), await idp.QueryAsync(db => db.EmailOutbox.CountAsync()));

    private static HttpClient Behind(IsolatedIdp idp, string clientAddress)
    {
        var browser = idp.CreateBrowser();
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress);
        return browser;
    }
}
