using System.Net;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.BadInput;

/// <summary>
/// Hostile or broken values in every account form get a form message or a 4xx page, never a 500, and
/// nothing is written: no account, no email, no audit event.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class AccountFormInputTests(IdpFactory idp)
{
    private static readonly string Overlong = new('a', 5000);

    public static TheoryData<string, string> HostileRegistrationValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in new[] { "Input.UserName", "Input.FirstName", "Input.LastName", "Input.Email", "Input.Phone", "Input.Title", "Input.ProtectionPhrase" })
        {
            data.Add(field, Overlong);
            data.Add(field, "<script>alert(1)</script>");
            data.Add(field, "bell\u0007and\u001Bescape");
            data.Add(field, "right\u202Eto-left");
        }

        foreach (var address in new[] { "a..b@example.com", ".a@example.com", "a.@example.com", "a@b..com", "a@.b.com", "\"quoted\"@example.com", "pérez@example.com", "a@localhost" })
        {
            data.Add("Input.Email", address);
        }

        data.Add("Input.ProtectionPhrase", "my own typed words");
        data.Add("Input.ProtectionPhrase", "amber heron over Atlantis");
        data.Add("Input.Password", new string('p', 129));
        data.Add("Input.ConfirmEmail", "someone.else@example.com");
        data.Add("Input.AcceptConditions", "false");
        data.Add("Input.AcceptConditions", "not-a-boolean");
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileRegistrationValues))]
    public async Task A_hostile_value_in_a_registration_field_gets_a_message_next_to_it_and_writes_nothing(string field, string value)
    {
        var applicant = Applicant.New();
        using var browser = idp.CreateBrowser();
        var before = await CountsAsync();

        var response = await AccountForms.RegisterAsync(browser, applicant, form => form[field] = value);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var errors = await AccountForms.FieldErrorsAsync(response);
        errors.ShouldContainKey(field, $"errors were: {string.Join("; ", errors.Select(e => e.Key + ": " + e.Value))}");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("<script>alert(1)</script>");
        (await CountsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_NUL_character_is_refused_with_a_readable_400_page_and_writes_nothing()
    {
        using var browser = idp.CreateBrowser();
        var before = await CountsAsync();

        var response = await AccountForms.RegisterAsync(browser, Applicant.New(), form => form["Input.FirstName"] = "Da\u0000na");

        // ASP.NET Core's form reader refuses NUL before any page code runs.
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("CERS could not read what was sent");
        (await CountsAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=utf-7")]
    [InlineData("application/x-www-form-urlencoded; charset=")]
    public async Task A_form_sent_in_a_charset_other_than_UTF_8_gets_a_readable_415_page_and_writes_nothing(string contentType)
    {
        using var browser = idp.CreateBrowser();
        var before = await CountsAsync();
        var form = await BrowserSignIn.ReadFormAsync(browser, new Uri(idp.BaseAddress, "/Account/Register"));
        var content = new FormUrlEncodedContent(form);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await browser.PostAsync("/Account/Register", content);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadAsStringAsync()).ShouldContain("CERS could not read what was sent");
        (await CountsAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("/Account/Register")]
    [InlineData("/Account/Login?handler=UserName")]
    [InlineData("/Account/Login?handler=Password")]
    [InlineData("/Account/CheckEmail?handler=Resend")]
    [InlineData("/Account/ForgotUsername")]
    [InlineData("/Account/ForgotPassword")]
    [InlineData("/Account/ResetPassword?id=x&token=y")]
    [InlineData("/Account/LoginWith2fa")]
    [InlineData("/Account/LoginWithRecoveryCode")]
    public async Task A_form_post_without_the_anti_forgery_token_is_refused_with_400(string path)
    {
        using var browser = idp.CreateBrowser();
        var before = await CountsAsync();

        var response = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.UserName"] = "someone1",
            ["Input.Password"] = "whatever password here",
            ["Email"] = "someone@example.com",
            ["UserName"] = "someone1",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CountsAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("/Account/ForgotUsername", "Email")]
    [InlineData("/Account/ForgotPassword", "UserName")]
    [InlineData("/Account/CheckEmail", "Email")]
    public async Task Hostile_values_in_the_recovery_forms_get_a_form_message(string path, string field)
    {
        using var browser = idp.CreateBrowser();
        foreach (var value in new[] { Overlong, "<script>alert(1)</script>", "a\u0007b", "" })
        {
            var response = await AccountForms.SubmitAsync(browser, path, new Dictionary<string, string> { [field] = value });

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await AccountForms.FieldErrorsAsync(response)).ShouldContainKey(field);
        }
    }

    [Fact]
    public async Task Hostile_values_at_the_sign_in_steps_get_a_form_message()
    {
        using var browser = idp.CreateBrowser();
        foreach (var value in new[] { Overlong, "<script>alert(1)</script>", "a\u0007b", "abc" })
        {
            var response = await BrowserSignIn.PostUserNameAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), value);

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await AccountForms.FieldErrorsAsync(response)).ShouldContainKey("Input.UserName");
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("<script>alert(1)</script>");
        }

        var user = await idp.CreateUserAsync("a long enough test password");
        var overlongPassword = await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Overlong);
        overlongPassword.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.FieldErrorsAsync(overlongPassword)).ShouldContainKey("Input.Password");
    }

    private async Task<(int Users, int Emails, int Audit)> CountsAsync()
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        return (await db.Users.CountAsync(), await db.EmailOutbox.CountAsync(), await db.AuditEvents.CountAsync());
    }
}
