using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Cers.Idp.Tests.Infrastructure;

namespace Cers.Idp.Tests.Accessibility;

/// <summary>
/// The structural part of WCAG 2.1 AA that can be read from the HTML: a language, a title, one
/// top heading, a skip link, a label for every field, error summaries that link to their fields, and
/// no script (the pages work without JavaScript). Colour contrast and the rest are checked with axe in
/// the browser tests.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class HostedPageStructureTests(IdpFactory idp)
{
    public static TheoryData<string> Pages() =>
    [
        "/",
        "/Account/Login",
        "/Account/Register",
        "/Account/CheckEmail",
        "/Account/ForgotUsername",
        "/Account/ForgotPassword",
        "/Account/ResetPassword",
        "/Account/Activate",
        "/Account/AccessDenied",
        "/Account/ConfirmEmail",
        "/Account/LoginWith2fa",
        "/Account/LoginWithRecoveryCode",
        "/ConditionsOfUse",
        "/Error",
    ];

    public static TheoryData<string> MyAccountPages() =>
    [
        "/",
        "/Account/Manage",
        "/Account/Manage/Email",
        "/Account/Manage/Password",
        "/Account/Manage/Phrase",
        "/Account/Manage/EmailHistory",
        "/Account/Manage/Activity",
        "/Account/Manage/Passkeys",
        "/Account/Manage/Sessions",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Each_page_has_a_language_a_title_one_h1_a_skip_link_labelled_fields_and_no_script(string path)
    {
        using var browser = idp.CreateBrowser();
        var response = await browser.GetAsync(path);
        response.StatusCode.ShouldBe(path == "/Account/AccessDenied" ? HttpStatusCode.Forbidden : HttpStatusCode.OK);

        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        AssertStructure(document);
    }

    [Theory]
    [MemberData(nameof(MyAccountPages))]
    public async Task Each_My_Account_page_has_the_same_structure_for_a_signed_in_person(string path)
    {
        const string Password = "a long enough test password";
        var user = await idp.CreateUserAsync(Password);
        using var browser = idp.CreateBrowser();
        (await BrowserSignIn.PostLoginAsync(browser, new Uri(idp.BaseAddress, "/Account/Login"), user.UserName!, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await browser.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        AssertStructure(document);
        document.QuerySelector("a[href='/Account/Manage']").ShouldNotBeNull();
    }

    [Fact]
    public async Task A_form_with_errors_keeps_the_structure_and_its_summary_links_to_each_field()
    {
        using var browser = idp.CreateBrowser();
        var response = await AccountForms.SubmitAsync(browser, "/Account/Register", new Dictionary<string, string>());

        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        AssertStructure(document);
        var summary = document.QuerySelector(".error-summary").ShouldNotBeNull();
        summary.GetAttribute("role").ShouldBe("alert");
        foreach (var link in summary.QuerySelectorAll("a"))
        {
            var target = document.QuerySelector(link.GetAttribute("href")!).ShouldNotBeNull();
            target.LocalName.ShouldBeOneOf("input", "select", "textarea");
        }
    }

    internal static void AssertStructure(IDocument document)
    {
        document.DocumentElement.GetAttribute("lang").ShouldBe("en");
        document.Title.ShouldNotBeNullOrWhiteSpace();
        document.QuerySelectorAll("h1").Length.ShouldBe(1);
        document.QuerySelector("a.skip-link[href='#main']").ShouldNotBeNull();
        document.QuerySelector("main#main").ShouldNotBeNull();
        document.QuerySelectorAll("script").ShouldBeEmpty();

        foreach (var field in document.QuerySelectorAll("input, select, textarea"))
        {
            var type = field.GetAttribute("type");
            if (type is "hidden" or "submit" or "button" || field.Closest("[aria-hidden=true]") is not null)
            {
                continue;
            }

            field.Id.ShouldNotBeNullOrEmpty($"a field without an id: {field.OuterHtml}");
            document.QuerySelector($"label[for='{field.Id}']").ShouldNotBeNull($"no label for {field.OuterHtml}");
        }
    }
}
