using System.ComponentModel.DataAnnotations;
using Cers.Idp.Passkeys;

namespace Cers.Idp.Tests.Passkeys;

/// <summary>The relying party's configuration is checked at start: a host name, and origins on it over https (or loopback).</summary>
public sealed class PasskeyOptionsTests
{
    [Theory]
    [InlineData("cers-idp.example.gov", "https://cers-idp.example.gov")]
    [InlineData("example.gov", "https://cers-idp.example.gov")]
    [InlineData("localhost", "http://localhost:5001")]
    public void A_host_name_with_https_or_loopback_origins_on_it_is_accepted(string relyingPartyId, string origin)
    {
        Problems(new PasskeyOptions { RelyingPartyId = relyingPartyId, Origins = [origin] }).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("127.0.0.1", "http://127.0.0.1:5001", "RelyingPartyId")]
    [InlineData("https://cers-idp.example.gov", "https://cers-idp.example.gov", "RelyingPartyId")]
    [InlineData("", "https://cers-idp.example.gov", "RelyingPartyId")]
    [InlineData("cers-idp.example.gov", "http://cers-idp.example.gov", "must use https")]
    [InlineData("cers-idp.example.gov", "https://evil.example.com", "is not on Passkeys:RelyingPartyId")]
    [InlineData("cers-idp.example.gov", "https://cers-idp.example.gov/", "no trailing slash")]
    [InlineData("cers-idp.example.gov", "https://cers-idp.example.gov/path", "no path")]
    [InlineData("example.gov", "https://notexample.gov", "is not on Passkeys:RelyingPartyId")]
    public void A_misconfigured_relying_party_is_named_at_start(string relyingPartyId, string origin, string expected)
    {
        string.Join(" ", Problems(new PasskeyOptions { RelyingPartyId = relyingPartyId, Origins = [origin] })).ShouldContain(expected);
    }

    [Fact]
    public void A_relying_party_without_origins_is_refused()
    {
        string.Join(" ", Problems(new PasskeyOptions { RelyingPartyId = "cers-idp.example.gov" })).ShouldContain("Passkeys:Origins");
    }

    private static List<string> Problems(PasskeyOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var problems = results.Select(r => r.ErrorMessage ?? "").ToList();
        if (options.Problem() is { } problem)
        {
            problems.Add(problem);
        }

        return problems;
    }
}
