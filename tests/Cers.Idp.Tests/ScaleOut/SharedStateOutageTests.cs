using System.Net;
using System.Security.Cryptography;
using Cers.Idp.Tests.Infrastructure;
using Cers.Idp.Tests.Oidc;

namespace Cers.Idp.Tests.ScaleOut;

/// <summary>When Redis does not answer, what needs it (limits, replay checks) is refused with 503, never served unchecked or answered 500.</summary>
public sealed class SharedStateOutageTests
{
    [Fact]
    public async Task Without_Redis_a_sign_in_post_gets_503_and_the_error_page_and_a_client_assertion_an_OAuth_error()
    {
        using var key = RSA.Create(2048);
        using var data = new TempDirectory();
        var settings = PrivateKeyJwtTests.KeyClientSettings(PrivateKeyJwtTests.PublicJwks(key));
        settings["Redis:Configuration"] = $"127.0.0.1:{Loopback.FreePort()},connectTimeout=300,asyncTimeout=300,syncTimeout=300";
        settings["Oidc:Issuer"] = "http://cers-idp.test/";
        using var host = new IdpHost(data.Path, settings, kestrel: true).Start();
        using var browser = BrowserSignIn.NewBrowser(host.BaseAddress);

        // Reading the page needs nothing shared; posting it is counted, and cannot be.
        var posted = await BrowserSignIn.PostUserNameAsync(browser, new Uri(host.BaseAddress, "/Account/Login"), "someuser");
        posted.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        posted.Headers.RetryAfter.ShouldNotBeNull();
        (await posted.Content.ReadAsStringAsync()).ShouldContain("California Environmental Reporting System");

        using var http = host.CreateBackChannel();
        var token = await PrivateKeyJwtTests.RequestWithAssertionAsync(http, PrivateKeyJwtTests.Assertion(key, "http://cers-idp.test/"));
        token.IsError.ShouldBeTrue();
        token.HttpStatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        token.Raw.ShouldNotBeNull().ShouldContain("\"temporarily_unavailable\"");
    }
}
