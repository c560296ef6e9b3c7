using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using Cers.Idp.Announcements;
using Cers.Idp.Audit;
using Cers.Idp.Tests.Infrastructure;
using static Cers.Idp.Tests.Announcements.AnnouncementTestData;

namespace Cers.Idp.Tests.Announcements;

[Collection(IdpCollection.Name)]
public sealed class AnnouncementAdminTests(IdpFactory idp)
{
    private const string ListPath = "/Admin/Announcements";
    private const string EditPath = "/Admin/Announcements/Edit";

    [Theory]
    [InlineData(ListPath)]
    [InlineData(EditPath)]
    public async Task Someone_not_signed_in_is_sent_to_sign_in(string path)
    {
        using var browser = idp.CreateBrowser();

        var response = await browser.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.ShouldBe("/Account/Login");
        response.Headers.Location.Query.ShouldContain("ReturnUrl=" + Uri.EscapeDataString(path));
    }

    [Theory]
    [InlineData(ListPath)]
    [InlineData(EditPath)]
    public async Task A_signed_in_user_without_the_admin_role_is_refused(string path)
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(idp, user);

        var response = await browser.GetAsync(path);

        // Access denied goes to the access-denied page (the cookie's AccessDeniedPath), which answers 403.
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.ShouldBe("/Account/AccessDenied");
        var denied = await browser.GetAsync(response.Headers.Location);
        denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await AccountForms.TitleOfAsync(denied)).ShouldBe("No access to this page");

        (await response.Content.ReadAsStringAsync()).ShouldNotContain("Add an announcement");
    }

    [Fact]
    public async Task A_signed_in_user_without_the_admin_role_cannot_add_a_notice_by_posting()
    {
        var user = await idp.CreateUserAsync(Password);
        using var browser = await SignedInBrowserAsync(idp, user);
        var marker = Guid.NewGuid().ToString("N");

        var response = await browser.PostAsync(EditPath, new FormUrlEncodedContent(Valid(marker)));

        ((int)response.StatusCode).ShouldBeOneOf(302, 400, 403);
        (await CountContainingAsync(idp, marker)).ShouldBe(0);
    }

    [Fact]
    public async Task An_admin_adds_a_notice_which_then_shows_on_CERS_Central_and_is_audited()
    {
        var admin = await CreateAdminAsync(idp);
        using var browser = await SignedInBrowserAsync(idp, admin);
        var title = UniqueTitle("Reporting deadline");

        var response = await AccountForms.SubmitAsync(browser, EditPath, Valid(title, AnnouncementKind.Alert,
            text: "Annual reports are due March 1.\r\nPlan ahead."));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().ShouldBe(ListPath);
        var stored = (await FindByTitleAsync(idp, title)).ShouldNotBeNull();
        stored.Kind.ShouldBe(AnnouncementKind.Alert);
        stored.Text.ShouldBe("Annual reports are due March 1.\nPlan ahead.");

        var list = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync(ListPath));
        list.QuerySelector("[role=status]")!.TextContent.ShouldContain(title);
        var row = list.QuerySelector($"tr[data-announcement-id='{stored.Id}']").ShouldNotBeNull();
        row.TextContent.ShouldContain("Current");

        var home = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync("/"));
        home.QuerySelectorAll(".notice-alert .notice-item h4").Select(h => h.TextContent).ShouldContain(title);

        (await AuditDetailsAsync(idp, admin.Id, AuditKinds.AnnouncementChanged)).ShouldBe([$"created {stored.Id}"]);
    }

    [Fact]
    public async Task An_admin_changes_a_notice()
    {
        var admin = await CreateAdminAsync(idp);
        using var browser = await SignedInBrowserAsync(idp, admin);
        var now = DateTime.UtcNow;
        var notice = await InsertAsync(idp, AnnouncementKind.Announcement, UniqueTitle("Before"), now.AddHours(-1), now.AddDays(1));
        var changed = UniqueTitle("After");

        var form = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync($"{EditPath}?id={notice.Id}"));
        form.QuerySelector("#Input_Title")!.GetAttribute("value").ShouldBe(notice.Title);
        form.QuerySelector("input[name='Input.Kind'][value='Announcement']")!.HasAttribute("checked").ShouldBeTrue();

        var response = await AccountForms.SubmitAsync(browser, $"{EditPath}?id={notice.Id}", Valid(changed, AnnouncementKind.ScheduleChange));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var stored = (await FindByTitleAsync(idp, changed)).ShouldNotBeNull();
        stored.Id.ShouldBe(notice.Id);
        stored.Kind.ShouldBe(AnnouncementKind.ScheduleChange);
        (await CountContainingAsync(idp, notice.Title)).ShouldBe(0);
        (await AuditDetailsAsync(idp, admin.Id, AuditKinds.AnnouncementChanged)).ShouldBe([$"updated {notice.Id}"]);
    }

    [Fact]
    public async Task An_admin_deletes_a_notice_and_it_leaves_CERS_Central()
    {
        var admin = await CreateAdminAsync(idp);
        using var browser = await SignedInBrowserAsync(idp, admin);
        var now = DateTime.UtcNow;
        var notice = await InsertAsync(idp, AnnouncementKind.Outage, UniqueTitle("Deleted outage"), now.AddHours(-1), now.AddDays(1));
        (await browser.GetStringAsync("/")).ShouldContain(notice.Title);

        var response = await AccountForms.SubmitAsync(browser, $"{EditPath}?id={notice.Id}", new Dictionary<string, string>(), "main form.delete-form");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        (await FindByTitleAsync(idp, notice.Title)).ShouldBeNull();
        (await browser.GetStringAsync("/")).ShouldNotContain(notice.Title);
        (await browser.GetStringAsync(ListPath)).ShouldNotContain(notice.Title);
        (await AuditDetailsAsync(idp, admin.Id, AuditKinds.AnnouncementChanged)).ShouldBe([$"deleted {notice.Id}"]);
    }

    [Fact]
    public async Task The_list_shows_scheduled_current_and_ended_notices()
    {
        var admin = await CreateAdminAsync(idp);
        using var browser = await SignedInBrowserAsync(idp, admin);
        var now = DateTime.UtcNow;
        var scheduled = await InsertAsync(idp, AnnouncementKind.Outage, UniqueTitle("Scheduled"), now.AddDays(1), now.AddDays(2));
        var current = await InsertAsync(idp, AnnouncementKind.Alert, UniqueTitle("Current"), now.AddDays(-1), now.AddDays(1));
        var ended = await InsertAsync(idp, AnnouncementKind.Announcement, UniqueTitle("Ended"), now.AddDays(-2), now.AddDays(-1));

        var list = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync(ListPath));

        string Phase(Announcement notice) => list.QuerySelector($"tr[data-announcement-id='{notice.Id}'] .phase").ShouldNotBeNull().TextContent;
        Phase(scheduled).ShouldBe("Scheduled");
        Phase(current).ShouldBe("Current");
        Phase(ended).ShouldBe("Ended");
    }

    public static TheoryData<string, string, string> BadInput => new()
    {
        { "Input.EndsAt", "end before start", "The end must be after the start." },
        { "Input.Title", "<script>alert(1)</script>", "Title cannot contain angle brackets (< >) or control characters." },
        { "Input.Title", "", "Enter a title." },
        { "Input.Title", new string('t', 121), "A title has at most 120 characters." },
        { "Input.Text", new string('x', 2001), "The text has at most 2,000 characters." },
        { "Input.Text", "Hello <b>world</b>", "Text cannot contain angle brackets (< >) or control characters other than line breaks." },
        { "Input.Text", "Tab\there", "Text cannot contain angle brackets (< >) or control characters other than line breaks." },
        { "Input.Kind", "99", "Choose one of the kinds listed." },
        { "Input.Kind", "Emergency", "Choose one of the kinds listed." },
        { "Input.Kind", "", "Choose what kind of notice this is." },
        { "Input.StartsAt", "next tuesday", "Enter the start as a date and time in UTC, like 2026-12-01 16:00." },
        { "Input.EndsAt", "2026-02-30T10:00", "Enter the end as a date and time in UTC, like 2026-12-01 16:00." },
        { "Input.EndsAt", "", "Enter when the notice stops showing, in UTC." },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_gets_a_message_next_to_the_field_and_writes_nothing(string field, string value, string message)
    {
        var admin = await CreateAdminAsync(idp);
        using var browser = await SignedInBrowserAsync(idp, admin);
        var marker = Guid.NewGuid().ToString("N");
        var values = Valid(marker);
        if (value == "end before start")
        {
            values["Input.EndsAt"] = Format(DateTime.UtcNow.AddHours(-1));
        }
        else
        {
            values[field] = value;
        }

        var response = await AccountForms.SubmitAsync(browser, EditPath, values);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AccountForms.FieldErrorsAsync(response)).ShouldContainKeyAndValue(field, message);
        (await BrowserSignIn.ReadErrorsAsync(response)).ShouldContain(message);
        (await CountContainingAsync(idp, marker)).ShouldBe(0);
        (await AuditDetailsAsync(idp, admin.Id, AuditKinds.AnnouncementChanged)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_is_rejected_and_writes_nothing()
    {
        var admin = await CreateAdminAsync(idp);
        using var browser = await SignedInBrowserAsync(idp, admin);
        var marker = Guid.NewGuid().ToString("N");

        var response = await browser.PostAsync(EditPath, new FormUrlEncodedContent(Valid(marker)));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CountContainingAsync(idp, marker)).ShouldBe(0);
    }

    [Fact]
    public async Task A_notice_that_does_not_exist_is_not_found()
    {
        var admin = await CreateAdminAsync(idp);
        using var browser = await SignedInBrowserAsync(idp, admin);

        (await browser.GetAsync($"{EditPath}?id=2147483647")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    /// <summary>A complete, valid form for a notice showing from an hour ago for a day; the title is in the text too.</summary>
    private static Dictionary<string, string> Valid(string title, AnnouncementKind kind = AnnouncementKind.Announcement, string? text = null)
    {
        var now = DateTime.UtcNow;
        return new Dictionary<string, string>
        {
            ["Input.Kind"] = kind.ToString(),
            ["Input.Title"] = title,
            ["Input.Text"] = text ?? $"Notice text for {title}.",
            ["Input.StartsAt"] = Format(now.AddHours(-1)),
            ["Input.EndsAt"] = Format(now.AddDays(1)),
        };
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
}
