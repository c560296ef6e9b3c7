using Cers.Idp.SignIn;
using Cers.Idp.Tests.Infrastructure;

namespace Cers.Idp.Tests.Email;

public sealed class EmailConfigurationTests
{
    [Fact]
    public void SMTP_credentials_without_TLS_stop_the_provider_at_start_and_name_the_setting()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?>
        {
            ["Email:Smtp:Security"] = "None",
            ["Email:Smtp:UserName"] = "relay-user",
            ["Email:Smtp:Password"] = "relay-password",
        });

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("Email:Smtp:UserName is set but Email:Smtp:Security is None");
    }

    [Theory]
    [InlineData("StartTlsWhenAvailable")]
    [InlineData("Auto")]
    public void TLS_that_an_attacker_could_switch_off_is_refused(string security)
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?> { ["Email:Smtp:Security"] = security });

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("Email:Smtp:Security must be StartTls, SslOnConnect, or None");
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    public void Rate_limits_count_an_IPv6_client_by_its_64_bit_network(string address, string key) =>
        RequestRateLimits.ClientKey(System.Net.IPAddress.Parse(address)).ShouldBe(key);
}
