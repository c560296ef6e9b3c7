using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cers.Idp.Tests.Logging;

/// <summary>
/// What the provider's logs carry through a person's whole account life, with every category at Debug (more than any
/// deployment logs): never a password, token, link, protection phrase or email address.
/// </summary>
public sealed class LogContentTests
{
    [Fact]
    public async Task Logs_at_debug_carry_no_password_token_link_phrase_or_email_address()
    {
        using var data = new TempDirectory();
        await using var smtp = new SmtpListener();
        var capture = new LogCapture();
        var settings = smtp.Settings().ToDictionary();
        settings["Logging:LogLevel:Default"] = "Debug";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug";
        settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Debug";
        settings["Logging:LogLevel:OpenIddict"] = "Debug";
        settings["Logging:LogLevel:Hangfire"] = "Debug";

        // Also as a rule for this very provider, which outranks every rule that names none.
        settings[$"Logging:{typeof(LogCapture).FullName}:LogLevel:Default"] = "Debug";
        settings[$"Logging:{typeof(LogCapture).FullName}:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Debug";
        await using var idp = new IdpHost(data.Path, settings, kestrel: true,
            services: services => services.AddLogging(logging => logging.AddProvider(capture).SetMinimumLevel(LogLevel.Debug))).Start();

        var applicant = Applicant.New();
        using var browser = BrowserSignIn.NewBrowser(idp.BaseAddress);
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var activation = AccountForms.LinkIn(await smtp.WaitForAsync(applicant.Email, "Activate your CERS account"), "/Account/Activate");
        await AccountForms.ActivateAsync(browser, activation, applicant.Password);

        using var signedIn = BrowserSignIn.NewBrowser(idp.BaseAddress);
        var code = await BrowserSignIn.SignInAsync(idp, signedIn, applicant.UserName, applicant.Password);
        using var backChannel = idp.CreateBackChannel();
        var tokens = await BrowserSignIn.RedeemAsync(backChannel, code);
        var refreshed = await BrowserSignIn.RefreshAsync(backChannel, tokens.RefreshToken!);
        await backChannel.GetUserInfoAsync(new UserInfoRequest { Address = "connect/userinfo", Token = refreshed.AccessToken });

        await AccountForms.SubmitAsync(browser, "/Account/ForgotPassword", new Dictionary<string, string> { ["UserName"] = applicant.UserName });
        var reset = AccountForms.LinkIn(await smtp.WaitForAsync(applicant.Email, "Reset your CERS password"), "/Account/ResetPassword");
        const string NewPassword = "brand new harbor lantern phrase";
        await AccountForms.SubmitAsync(browser, reset.PathAndQuery, new Dictionary<string, string> { ["Password"] = NewPassword, ["ConfirmPassword"] = NewPassword });
        await OutboxDrain.WaitUntilDeliveredAsync<Cers.Idp.Data.IdpDbContext>(idp.Services);

        var secrets = new Dictionary<string, string>
        {
            ["password"] = applicant.Password,
            ["new password"] = NewPassword,
            ["email address"] = applicant.Email,
            ["protection phrase"] = applicant.ProtectionPhrase,
            ["activation token"] = Query(activation, "token"),
            ["reset token"] = Query(reset, "token"),
            ["authorization code"] = code.Code!,
            ["access token"] = tokens.AccessToken!,
            ["refresh token"] = tokens.RefreshToken!,
            ["ID token"] = tokens.IdentityToken!,
            ["refreshed access token"] = refreshed.AccessToken!,
            ["refreshed refresh token"] = refreshed.RefreshToken!,
        };
        var entries = capture.Entries.ToList();
        entries.Count.ShouldBeGreaterThan(50);
        var leaks = secrets
            .SelectMany(secret => entries.Where(e => e.Contains(secret.Value, StringComparison.OrdinalIgnoreCase)
                    || e.Contains(Uri.EscapeDataString(secret.Value), StringComparison.OrdinalIgnoreCase))
                .Select(e => $"{secret.Key}: {e[..Math.Min(e.Length, 400)]}"))
            .ToList();
        leaks.ShouldBeEmpty(string.Join("\n\n", leaks.Take(15)));
    }

    [Fact]
    public async Task An_SMTP_server_s_refusal_is_logged_with_the_recipient_s_address_redacted()
    {
        using var data = new TempDirectory();
        await using var smtp = new SmtpListener();
        var capture = new LogCapture();
        await using var idp = new IdpHost(data.Path, smtp.Settings().ToDictionary(), kestrel: true,
            services: services => services.AddLogging(logging => logging.AddProvider(capture))).Start();
        var applicant = Applicant.New();
        smtp.RefuseForGood(applicant.Email);

        using var browser = BrowserSignIn.NewBrowser(idp.BaseAddress);
        await AccountForms.RegisterAcceptedAsync(browser, applicant);
        var refused = await WaitForAsync(() => capture.Entries.FirstOrDefault(e => e.Contains("refused by the SMTP server", StringComparison.Ordinal)));

        refused.ShouldContain("Recipient address rejected");
        refused.ShouldContain("<***@example.com>");
        capture.Entries.ShouldNotContain(e => e.Contains(applicant.Email, StringComparison.OrdinalIgnoreCase));

        // The outbox keeps the server's words whole, for the admins who look at it.
        await using var scope = idp.Services.CreateAsyncScope();
        var owed = await scope.ServiceProvider.GetRequiredService<Cers.Idp.Data.IdpDbContext>().EmailOutbox
            .SingleAsync(e => e.ToAddress == applicant.Email);
        owed.FailedAt.ShouldNotBeNull();
        owed.LastError.ShouldNotBeNull().ShouldContain(applicant.Email);
    }

    [Theory]
    [InlineData("5.1.1 <pat.doe@example.com>: Recipient address rejected", "5.1.1 <***@example.com>: Recipient address rejected")]
    [InlineData("to a.b+c@mail.ca.gov, cc x@y.org.", "to ***@mail.ca.gov, cc ***@y.org.")]
    [InlineData("no address here", "no address here")]
    public void The_redactor_hides_each_address_s_mailbox_and_keeps_the_rest(string text, string expected) =>
        Cers.Email.Logging.EmailAddressRedactor.RedactText(text).ShouldBe(expected);

    private static async Task<string> WaitForAsync(Func<string?> find)
    {
        for (var i = 0; i < 300; i++)
        {
            if (find() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The log entry waited for was not written.");
    }

    private static string Query(Uri link, string name) =>
        System.Web.HttpUtility.ParseQueryString(link.Query)[name] ?? throw new InvalidOperationException($"No {name} in {link}.");
}
