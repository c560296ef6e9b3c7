using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Cers.Idp.Announcements;
using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Cers.Idp.Tests.Announcements.AnnouncementTestData;

namespace Cers.Idp.Tests.Announcements;

[Collection(IdpCollection.Name)]
public sealed class CersCentralTests(IdpFactory idp)
{
    [Fact]
    public async Task Without_a_configured_portal_Business_Portal_Sign_In_opens_the_provider_s_sign_in_page()
    {
        await using var provider = IsolatedIdp.Start(settings: ("BusinessPortal:Url", ""));
        using var browser = provider.CreateBrowser();

        var page = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync("/"));

        ButtonHref(page).ShouldBe("/Account/Login");
    }

    [Fact]
    public void A_portal_address_that_is_not_an_http_URL_stops_the_provider_at_start()
    {
        var start = () => IsolatedIdp.Start(settings: ("BusinessPortal:Url", "javascript:alert(1)"));

        start.ShouldThrow<Exception>().ToString().ShouldContain("BusinessPortal:Url must be an absolute http or https URL");
    }

    private static string? ButtonHref(IDocument page) =>
        page.QuerySelectorAll("a.button").Single(a => a.TextContent.Trim() == "Business Portal Sign In").GetAttribute("href");

    [Fact]
    public async Task CERS_Central_shows_current_notices_and_leaves_out_scheduled_and_ended_ones()
    {
        var now = DateTime.UtcNow;
        var current = UniqueTitle("Current alert");
        var scheduled = UniqueTitle("Scheduled outage");
        var ended = UniqueTitle("Ended announcement");
        await InsertAsync(idp, AnnouncementKind.Alert, current, now.AddHours(-1), now.AddHours(1), "Reporting deadline moved.");
        await InsertAsync(idp, AnnouncementKind.Outage, scheduled, now.AddHours(1), now.AddHours(2));
        await InsertAsync(idp, AnnouncementKind.Announcement, ended, now.AddHours(-2), now.AddMinutes(-1));

        var page = await HomeAsync();

        var notice = NoticeTitled(page, current).ShouldNotBeNull();
        notice.QuerySelector(".notice-text")!.TextContent.ShouldBe("Reporting deadline moved.");
        notice.QuerySelectorAll("time").Length.ShouldBe(2);
        notice.Closest("section")!.QuerySelector("h3")!.TextContent.ShouldBe("Alerts");
        NoticeTitled(page, scheduled).ShouldBeNull();
        NoticeTitled(page, ended).ShouldBeNull();
    }

    [Fact]
    public async Task CERS_Central_lists_alerts_before_outages_schedule_changes_and_announcements_under_their_headings()
    {
        var now = DateTime.UtcNow;
        var announcement = UniqueTitle("Announcement");
        var scheduleChange = UniqueTitle("Schedule change");
        var outage = UniqueTitle("Outage");
        var alert = UniqueTitle("Alert");
        await InsertAsync(idp, AnnouncementKind.Announcement, announcement, now.AddHours(-4), now.AddHours(1));
        await InsertAsync(idp, AnnouncementKind.ScheduleChange, scheduleChange, now.AddHours(-3), now.AddHours(1));
        await InsertAsync(idp, AnnouncementKind.Outage, outage, now.AddHours(-2), now.AddHours(1));
        await InsertAsync(idp, AnnouncementKind.Alert, alert, now.AddHours(-1), now.AddHours(1));

        var page = await HomeAsync();

        var titles = page.QuerySelectorAll(".notice-item h4").Select(h => h.TextContent).ToList();
        var order = new[] { alert, outage, scheduleChange, announcement }.Select(title => titles.IndexOf(title)).ToArray();
        order.ShouldAllBe(index => index >= 0);
        order.ShouldBeInOrder(SortDirection.Ascending);
        string[] headings = ["Alerts", "Outages", "Operating schedule changes", "Announcements"];
        new[] { alert, outage, scheduleChange, announcement }.Select(title => NoticeTitled(page, title)!.Closest("section")!.QuerySelector("h3")!.TextContent)
            .ShouldBe(headings);
    }

    [Fact]
    public async Task CERS_Central_offers_business_portal_sign_in_into_the_configured_portal_create_new_account_and_the_support_address()
    {
        var page = await HomeAsync();

        page.QuerySelector("h1")!.TextContent.ShouldBe("CERS Central");
        ButtonHref(page).ShouldBe("http://localhost:5003/");
        var register = page.QuerySelectorAll("main a[href='/Account/Register']").ShouldHaveSingleItem();
        register.TextContent.Trim().ShouldBe("Create New Account");
        register.ParentElement!.TextContent.ShouldContain("New to CERS?");
        page.QuerySelectorAll("main a[href='mailto:cers@calepa.ca.gov']").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Markup_in_a_stored_notice_is_shown_as_text_not_run()
    {
        var now = DateTime.UtcNow;
        var title = UniqueTitle("Stored markup");
        await InsertAsync(idp, AnnouncementKind.Announcement, title, now.AddHours(-1), now.AddHours(1), "<script>alert('x')</script><b>bold</b>");
        using var browser = idp.CreateBrowser();

        var html = await (await browser.GetAsync("/")).Content.ReadAsStringAsync();

        html.ShouldNotContain("<script>alert");
        html.ShouldNotContain("<b>bold</b>");
        NoticeTitled(new HtmlParser().ParseDocument(html), title)!.QuerySelector(".notice-text")!.TextContent
            .ShouldBe("<script>alert('x')</script><b>bold</b>");
    }

    [Fact]
    public async Task Only_notices_whose_window_contains_now_are_current_with_the_end_excluded()
    {
        var at = new DateTime(2031, 3, 9, 12, 0, 0, DateTimeKind.Utc);
        var starts = UniqueTitle("Starts exactly now");
        var ends = UniqueTitle("Ends exactly now");
        await InsertAsync(idp, AnnouncementKind.Outage, starts, at, at.AddHours(1));
        await InsertAsync(idp, AnnouncementKind.Outage, ends, at.AddHours(-1), at);

        await using var scope = idp.Services.CreateAsyncScope();
        var current = new CurrentAnnouncements(scope.ServiceProvider.GetRequiredService<IdpDbContext>(), new FixedTime(at));
        var titles = (await current.ListAsync(CancellationToken.None)).Select(a => a.Title).ToList();

        titles.ShouldContain(starts);
        titles.ShouldNotContain(ends);
    }

    [Fact]
    public async Task When_nothing_is_current_the_list_is_empty()
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var current = new CurrentAnnouncements(scope.ServiceProvider.GetRequiredService<IdpDbContext>(),
            new FixedTime(new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc)));

        (await current.ListAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    private async Task<IDocument> HomeAsync()
    {
        using var browser = idp.CreateBrowser();
        var response = await browser.GetAsync("/");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
    }

    private static IElement? NoticeTitled(IDocument page, string title) =>
        page.QuerySelectorAll(".notice-item").FirstOrDefault(item => item.QuerySelector("h4")?.TextContent == title);

    private sealed class FixedTime(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc);
    }
}
