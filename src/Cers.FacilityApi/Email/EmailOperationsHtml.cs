using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Cers.Email.Outbox;

namespace Cers.FacilityApi.Email;

/// <summary>What the email operations page shows, read before rendering.</summary>
public sealed record EmailOperationsView(
    DateTime NowUtc,
    OutboxBacklog Backlog,
    OutboxEntryPage Retrying,
    OutboxEntryPage SetAside,
    string? Status,
    string AntiforgeryField,
    string AntiforgeryToken);

/// <summary>
/// Renders the email operations page: the same sections, words and structure as the provider's /Admin/Email (one h1,
/// a skip link, captioned tables, labelled buttons, no script). Every value is HTML-encoded: subjects, recipients and
/// errors carry text other people typed.
/// </summary>
public static class EmailOperationsHtml
{
    /// <summary>Served from the page's own path: the dashboard's content policy allows styles from this origin only.</summary>
    public const string Stylesheet = """
        body { margin: 0; font-family: system-ui, sans-serif; color: #1b1b1b; line-height: 1.5; background: #f7f7f5; }
        .skip-link { position: absolute; left: -999px; }
        .skip-link:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
        main { margin: 1.5rem; background: #fff; padding: 1.5rem; border-radius: 4px; }
        table { width: 100%; border-collapse: collapse; margin: 1rem 0; font-size: .95rem; }
        caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
        .table-scroll { overflow-x: auto; }
        th, td { border-bottom: 1px solid #bbb; padding: .4rem .5rem; text-align: left; vertical-align: top; }
        dt { font-weight: 600; }
        form { display: inline; }
        button { background: #0b4f6c; color: #fff; border: 0; padding: .4rem .8rem; margin: .2rem; font-size: .95rem; border-radius: 3px; cursor: pointer; }
        :focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
        .status-message { border: 2px solid #0b4f6c; padding: .5rem 1rem; }
        """;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string Render(EmailOperationsView view)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Email operations - CERS facility API</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(EmailOperationsEndpoints.Path).Append("/page.css\">\n</head>\n<body>\n")
            .Append("<a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n<main id=\"main\">\n<h1>Email operations</h1>\n");
        if (view.Status is { } status)
        {
            html.Append("<div class=\"status-message\" role=\"status\"><p>").Append(Text(status)).Append("</p></div>\n");
        }

        html.Append("<p>The facility API's email outbox. Times are in UTC; it is now <strong>").Append(Text(OutboxOperationsText.Time(view.NowUtc)))
            .Append("</strong>. Bodies are never shown here: they hold links.</p>\n");
        RenderBacklog(html, view);

        html.Append("<h2>Retrying</h2>\n");
        if (view.Retrying.Total == 0)
        {
            html.Append("<p>No email is retrying.</p>\n");
        }
        else
        {
            RenderTable(html, view, view.Retrying, "retrying",
                "Emails the mail server did not take yet, the next due first", ["Next attempt", "Last error"],
                email => [(OutboxOperationsText.NextAttempt(email, view.NowUtc), "next-attempt"), (email.LastError ?? "", "last-error")]);
            RenderPager(html, "retrying", view.Retrying, "setAside", view.SetAside.Page);
        }

        html.Append("<h2>Set aside</h2>\n");
        if (view.SetAside.Total == 0)
        {
            html.Append("<p>No email is set aside.</p>\n");
        }
        else
        {
            html.Append("<p>The mail server refused these for good (a 5xx answer, such as an unknown mailbox), or their attempts ran out. ")
                .Append("They are not retried unless you retry them; discard those that should never go.</p>\n");
            RenderTable(html, view, view.SetAside, "set-aside", "Emails set aside for good, the latest first", ["Set aside", "Why"],
                email => [(OutboxOperationsText.Time(email.FailedAt!.Value), "set-aside-at"), (email.LastError ?? "", "why")]);
            RenderPager(html, "setAside", view.SetAside, "retrying", view.Retrying.Page);
        }

        html.Append("<p><a href=\"").Append(Jobs.JobsDashboardExtensions.Path).Append("\">Back to the jobs dashboard</a></p>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void RenderBacklog(StringBuilder html, EmailOperationsView view)
    {
        var backlog = view.Backlog;
        var oldest = backlog.OldestWaitingSince is { } since
            ? $"{OutboxOperationsText.Time(since)} ({OutboxOperationsText.Age(view.NowUtc - since)} ago)"
            : "Nothing is waiting";
        html.Append("<h2>Backlog</h2>\n<dl data-testid=\"backlog\">\n");
        foreach (var (term, value, testId) in new[]
        {
            ("Waiting to be sent", Number(backlog.Waiting), "waiting"),
            ("Oldest waiting since", oldest, "oldest"),
            ("Retrying", Number(backlog.Retrying), "retrying-count"),
            ("Set aside for good", Number(backlog.SetAside), "set-aside-count"),
            ("Discarded", Number(backlog.Discarded), "discarded-count"),
        })
        {
            html.Append("<dt>").Append(term).Append("</dt><dd data-testid=\"").Append(testId).Append("\">").Append(Text(value)).Append("</dd>\n");
        }

        html.Append("</dl>\n");
    }

    private static void RenderTable(StringBuilder html, EmailOperationsView view, OutboxEntryPage list, string testId, string caption,
        string[] lastColumns, Func<OutboxEntry, (string Value, string TestId)[]> lastCells)
    {
        html.Append("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"").Append(caption).Append("\">\n");
        html.Append("<table data-testid=\"").Append(testId).Append("\">\n<caption>").Append(caption)
            .Append(" (page ").Append(Number(list.Page)).Append(" of ").Append(Number(list.Pages)).Append(")</caption>\n<thead><tr>");
        foreach (var column in (string[])["Email", "Kind", "Recipient", "Subject", "Created", "Attempts", .. lastColumns, "Actions"])
        {
            html.Append("<th scope=\"col\">").Append(column).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var email in list.Items)
        {
            var id = Number(email.Id);
            html.Append("<tr data-email-id=\"").Append(id).Append("\"><th scope=\"row\">").Append(id).Append("</th>")
                .Append("<td>").Append(Text(email.Kind)).Append("</td>")
                .Append("<td>").Append(Text(email.ToAddress)).Append("</td>")
                .Append("<td>").Append(Text(email.Subject)).Append("</td>")
                .Append("<td>").Append(Text(OutboxOperationsText.Time(email.CreatedAt))).Append("</td>")
                .Append("<td>").Append(Number(email.Attempts)).Append("</td>");
            foreach (var (value, cellTestId) in lastCells(email))
            {
                html.Append("<td data-testid=\"").Append(cellTestId).Append("\">").Append(Text(value)).Append("</td>");
            }

            html.Append("<td>");
            RenderButton(html, view, "retry", id, "Retry now", $"Retry email {id} now");
            RenderButton(html, view, "discard", id, "Discard", $"Discard email {id}");
            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void RenderButton(StringBuilder html, EmailOperationsView view, string action, string id, string label, string name) =>
        html.Append("<form method=\"post\" action=\"").Append(EmailOperationsEndpoints.Path).Append('/').Append(action).Append("\">")
            .Append("<input type=\"hidden\" name=\"").Append(Text(view.AntiforgeryField)).Append("\" value=\"").Append(Text(view.AntiforgeryToken)).Append("\">")
            .Append("<input type=\"hidden\" name=\"id\" value=\"").Append(id).Append("\">")
            .Append("<button type=\"submit\" aria-label=\"").Append(Text(name)).Append("\">").Append(label).Append("</button></form>");

    private static void RenderPager(StringBuilder html, string name, OutboxEntryPage list, string otherName, int otherPage)
    {
        if (list.Pages <= 1)
        {
            return;
        }

        html.Append("<nav aria-label=\"Pages of ").Append(name == "retrying" ? "retrying emails" : "emails set aside").Append("\">");
        if (list.Page > 1)
        {
            AppendPageLink(html, name, list.Page - 1, otherName, otherPage, "prev", "Previous");
        }

        if (list.Page < list.Pages)
        {
            AppendPageLink(html, name, list.Page + 1, otherName, otherPage, "next", "Next");
        }

        html.Append("</nav>\n");
    }

    private static void AppendPageLink(StringBuilder html, string name, int page, string otherName, int otherPage, string rel, string label) =>
        html.Append(" <a href=\"").Append(EmailOperationsEndpoints.Path).Append('?').Append(name).Append('=').Append(Number(page))
            .Append("&amp;").Append(otherName).Append('=').Append(Number(otherPage)).Append("\" rel=\"").Append(rel).Append("\">").Append(label).Append("</a>");

    private static string Text(string value) => Encoder.Encode(value);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
