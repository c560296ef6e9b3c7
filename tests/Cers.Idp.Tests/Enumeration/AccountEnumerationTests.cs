using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Cers.Idp.Tests.Infrastructure;

namespace Cers.Idp.Tests.Enumeration;

/// <summary>
/// Nothing a stranger can see tells an existing account from a new name or address: every page that
/// takes a username or an email answers with the same status and the same page, word for word once
/// the values the visitor typed (and the per-request anti-forgery token) are set aside. Timing is
/// measured by the benchmark program, not asserted here.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class AccountEnumerationTests(IdpFactory idp)
{
    private const string Password = "a long enough test password";

    [Fact]
    public async Task Registering_an_existing_username_or_email_answers_exactly_like_a_new_registration()
    {
        var existing = await idp.CreateUserAsync(Password);
        var fresh = Applicant.New();
        var takenName = Applicant.New() with { UserName = existing.UserName! };
        var takenEmail = Applicant.New() with { Email = existing.Email! };

        var answers = new List<string>();
        foreach (var applicant in new[] { fresh, takenName, takenEmail })
        {
            using var browser = idp.CreateBrowser();
            var response = await AccountForms.RegisterAsync(browser, applicant);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.ToString().ShouldBe("/Account/CheckEmail");
            var page = await browser.GetAsync("/Account/CheckEmail");
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            answers.Add(await ShapeAsync(page, applicant.Email));
        }

        answers.Distinct().Count().ShouldBe(1, string.Join("\n----\n", answers));

        // The owners hear by email instead: the existing account's owner, and the address that asked for a taken username.
        (await idp.Smtp.WaitForAsync(existing.Email!, "Your CERS account request")).TextBody.ShouldNotBeNull().ShouldContain(existing.UserName!);
        (await idp.Smtp.WaitForAsync(takenName.Email, "Your CERS account was not created")).TextBody.ShouldNotBeNull().ShouldContain("not available");
        await idp.Smtp.WaitForAsync(fresh.Email, "Activate your CERS account");
    }

    [Fact]
    public async Task Forgot_username_answers_the_same_for_a_known_and_an_unknown_address()
    {
        var existing = await idp.CreateUserAsync(Password);
        var unknown = $"nobody.{Guid.NewGuid():N}@example.com";

        var known = await PostAsync("/Account/ForgotUsername", "Email", existing.Email!);
        var stranger = await PostAsync("/Account/ForgotUsername", "Email", unknown);

        known.Status.ShouldBe(stranger.Status);
        known.Shape.ShouldBe(stranger.Shape);
        await idp.Smtp.WaitForAsync(existing.Email!, "Your CERS username");
        idp.Smtp.Find(unknown).ShouldBeEmpty();
    }

    [Fact]
    public async Task Forgot_password_answers_the_same_for_a_known_and_an_unknown_username()
    {
        var existing = await idp.CreateUserAsync(Password);

        var known = await PostAsync("/Account/ForgotPassword", "UserName", existing.UserName!);
        var stranger = await PostAsync("/Account/ForgotPassword", "UserName", "nosuch" + Guid.NewGuid().ToString("N")[..8]);

        known.Status.ShouldBe(stranger.Status);
        known.Shape.ShouldBe(stranger.Shape);
        await idp.Smtp.WaitForAsync(existing.Email!, "Reset your CERS password");
    }

    [Fact]
    public async Task The_first_sign_in_step_shows_a_phrase_for_unknown_usernames_too_and_the_same_one_every_time()
    {
        var existing = await idp.CreateUserAsync(Password);
        var unknownName = "nosuch" + Guid.NewGuid().ToString("N")[..8];
        var login = new Uri(idp.BaseAddress, "/Account/Login");
        using var browser = idp.CreateBrowser();

        var known = await BrowserSignIn.PostUserNameAsync(browser, login, existing.UserName!);
        var unknown = await BrowserSignIn.PostUserNameAsync(browser, login, unknownName);
        var unknownAgain = await BrowserSignIn.PostUserNameAsync(browser, login, unknownName.ToUpperInvariant());

        known.StatusCode.ShouldBe(HttpStatusCode.OK);
        unknown.StatusCode.ShouldBe(HttpStatusCode.OK);
        var knownPhrase = await BrowserSignIn.ReadProtectionPhraseAsync(known);
        var decoy = await BrowserSignIn.ReadProtectionPhraseAsync(unknown);
        knownPhrase.ShouldBe(existing.ProtectionPhrase);
        decoy.ShouldNotBeNullOrWhiteSpace();
        (await BrowserSignIn.ReadProtectionPhraseAsync(unknownAgain)).ShouldBe(decoy);

        // Real phrases and decoys come from one generator: nothing in the phrase tells them apart.
        Cers.Idp.SignIn.ProtectionPhrases.IsGenerated(knownPhrase).ShouldBeTrue();
        Cers.Idp.SignIn.ProtectionPhrases.IsGenerated(decoy).ShouldBeTrue();

        (await ShapeAsync(known, existing.UserName!, knownPhrase)).ShouldBe(await ShapeAsync(unknown, unknownName, decoy));
    }

    [Fact]
    public async Task Resend_activation_answers_the_same_for_a_pending_an_active_and_an_unknown_address()
    {
        var active = await idp.CreateUserAsync(Password);
        var pending = Applicant.New();
        using (var browser = idp.CreateBrowser())
        {
            await AccountForms.RegisterAcceptedAsync(browser, pending);
        }

        var shapes = new List<(HttpStatusCode, string)>();
        foreach (var address in new[] { pending.Email, active.Email!, $"nobody.{Guid.NewGuid():N}@example.com" })
        {
            shapes.Add(await PostAsync("/Account/CheckEmail", "Email", address));
        }

        shapes.Distinct().Count().ShouldBe(1);
    }

    private async Task<(HttpStatusCode Status, string Shape)> PostAsync(string path, string field, string value)
    {
        using var browser = idp.CreateBrowser();
        var response = await AccountForms.SubmitAsync(browser, path, new Dictionary<string, string> { [field] = value });
        return (response.StatusCode, await ShapeAsync(response, value));
    }

    /// <summary>The page as a sequence of elements, attributes and text, with what the visitor typed and per-request tokens replaced.</summary>
    private static async Task<string> ShapeAsync(HttpResponseMessage response, params string[] typed)
    {
        var html = await response.Content.ReadAsStringAsync();
        var document = new HtmlParser().ParseDocument(html);
        var shape = new StringBuilder();
        Describe(document.Body!, shape);
        var result = shape.ToString();
        foreach (var value in typed.OrderByDescending(v => v.Length))
        {
            result = result.Replace(WebUtility.HtmlEncode(value), "{typed}", StringComparison.OrdinalIgnoreCase)
                .Replace(value, "{typed}", StringComparison.OrdinalIgnoreCase);
        }

        return result;
    }

    private static void Describe(INode node, StringBuilder shape)
    {
        switch (node)
        {
            case IElement element:
                shape.Append('<').Append(element.LocalName);
                foreach (var attribute in element.Attributes.OrderBy(a => a.Name, StringComparer.Ordinal))
                {
                    var value = attribute.Name == "value" && element.GetAttribute("name") == "__RequestVerificationToken" ? "{token}" : attribute.Value;
                    shape.Append(' ').Append(attribute.Name).Append("=\"").Append(value).Append('"');
                }

                shape.Append('>');
                foreach (var child in element.ChildNodes)
                {
                    Describe(child, shape);
                }

                shape.Append("</").Append(element.LocalName).Append('>');
                break;
            case IText text when !string.IsNullOrWhiteSpace(text.Data):
                shape.Append(text.Data.Trim());
                break;
        }
    }
}
