using System.Net;
using System.Text.RegularExpressions;
using MimeKit;

namespace Cers.Idp.Tests.Infrastructure;

/// <summary>Someone about to fill in Create New Account; every value unique to the test.</summary>
public sealed record Applicant(string UserName, string Email, string Password, string ProtectionPhrase, string FirstName = "Dana", string LastName = "Tester")
{
    public static Applicant New()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        return new Applicant("biz" + id, $"person.{id}@example.com", "river otter marble " + id[..4], Cers.Idp.SignIn.ProtectionPhrases.NewChoices()[0]);
    }
}

/// <summary>The account pages as a person uses them: read the form (with its anti-forgery token), fill it in, post it.</summary>
public static partial class AccountForms
{
    public static async Task<HttpResponseMessage> RegisterAsync(HttpClient browser, Applicant applicant, Action<Dictionary<string, string>>? change = null)
    {
        var page = new Uri(browser.BaseAddress!, "/Account/Register");
        var form = await BrowserSignIn.ReadFormAsync(await browser.GetAsync(page), page);
        form.Fields["Input.UserName"] = applicant.UserName;
        form.Fields["Input.FirstName"] = applicant.FirstName;
        form.Fields["Input.LastName"] = applicant.LastName;
        form.Fields["Input.Email"] = applicant.Email;
        form.Fields["Input.ConfirmEmail"] = applicant.Email;
        form.Fields["Input.Phone"] = "(916) 555-0100";
        form.Fields["Input.Title"] = "Environmental Manager";
        form.Fields["Input.Password"] = applicant.Password;
        form.Fields["Input.ConfirmPassword"] = applicant.Password;
        form.Fields["Input.ProtectionPhrase"] = applicant.ProtectionPhrase;
        form.Fields["Input.AcceptConditions"] = "true";
        change?.Invoke(form.Fields);
        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }

    /// <summary>Registers and checks the answer is the redirect to "check your email".</summary>
    public static async Task RegisterAcceptedAsync(HttpClient browser, Applicant applicant)
    {
        var response = await RegisterAsync(browser, applicant);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().ShouldBe("/Account/CheckEmail");
    }

    /// <summary>
    /// Follows an activation link as a person does: the link opens a confirmation page, where the password
    /// chosen at registration and the button activate. Answers the page after the button, or the page the
    /// link opened when it offered no button.
    /// </summary>
    public static async Task<HttpResponseMessage> ActivateAsync(HttpClient browser, Uri link, string password)
    {
        var page = await browser.GetAsync(link);
        if (await TitleOfAsync(page) != "Activate your account")
        {
            return page;
        }

        var form = await BrowserSignIn.ReadFormAsync(page, link);
        form.Fields["Password"] = password;
        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }

    /// <summary>Posts the named form fields of <paramref name="pagePath"/>'s first form with some values filled in.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, string pagePath, IReadOnlyDictionary<string, string> values, string selector = "main form")
    {
        var page = new Uri(browser.BaseAddress!, pagePath);
        var form = await BrowserSignIn.ReadFormAsync(await browser.GetAsync(page), page, selector);
        foreach (var (name, value) in values)
        {
            form.Fields[name] = value;
        }

        return await browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }

    /// <summary>The first link in an email's plain-text body whose path contains <paramref name="path"/>.</summary>
    public static Uri LinkIn(MimeMessage email, string path)
    {
        var match = Links().Matches(email.TextBody ?? "").FirstOrDefault(m => m.Value.Contains(path, StringComparison.Ordinal));
        return new Uri(match.ShouldNotBeNull($"No {path} link in: {email.TextBody}").Value);
    }

    public static async Task<string> TitleOfAsync(HttpResponseMessage response)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        return document.QuerySelector("h1").ShouldNotBeNull().TextContent.Trim();
    }

    /// <summary>Field errors shown next to the fields, by field name.</summary>
    public static async Task<Dictionary<string, string>> FieldErrorsAsync(HttpResponseMessage response)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        return document.QuerySelectorAll(".field-error[data-valmsg-for]")
            .Where(span => !string.IsNullOrWhiteSpace(span.TextContent))
            .ToDictionary(span => span.GetAttribute("data-valmsg-for")!, span => span.TextContent.Trim());
    }

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex Links();
}
