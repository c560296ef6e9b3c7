using System.Text;
using System.Text.Encodings.Web;
using Cers.Email.Outbox;

namespace Cers.Email.Templates;

/// <summary>
/// The CERS email template: a greeting, paragraphs, at most a few links shown as buttons, and the
/// support footer, rendered to a plain-text body and an HTML body that say the same thing. Every
/// value is HTML-encoded, so a name a user typed cannot add markup to an email.
/// </summary>
public sealed class EmailContent(string subject)
{
    private readonly List<(string? Text, string? LinkLabel, string? Url)> _blocks = [];
    private string _greeting = "Hello,";

    public string Subject { get; } = subject;

    public EmailContent Greeting(string name)
    {
        _greeting = string.IsNullOrWhiteSpace(name) ? "Hello," : $"Hello {name},";
        return this;
    }

    public EmailContent Paragraph(string text)
    {
        _blocks.Add((text, null, null));
        return this;
    }

    public EmailContent Link(string label, string url)
    {
        _blocks.Add((null, label, url));
        return this;
    }

    public OutgoingEmail ToEmail(string idempotencyKey, string kind, string toAddress, string toName, EmailOptions options, string? recipientId = null) =>
        new(idempotencyKey, kind, toAddress, toName, Subject, Text(options), Html(options), recipientId);

    private string Text(EmailOptions options)
    {
        var text = new StringBuilder().Append(_greeting).Append("\r\n\r\n");
        foreach (var (paragraph, label, url) in _blocks)
        {
            text.Append(paragraph ?? $"{label}:\r\n{url}").Append("\r\n\r\n");
        }

        return text.Append(Footer(options)).Append("\r\n").ToString();
    }

    private string Html(EmailOptions options)
    {
        var html = HtmlEncoder.Default;
        var body = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(html.Encode(Subject))
            .Append("</title></head><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1b1b1b\">")
            .Append("<p style=\"font-weight:bold;color:#0b3d66\">California Environmental Reporting System (CERS)</p>")
            .Append("<p>").Append(html.Encode(_greeting)).Append("</p>");
        foreach (var (paragraph, label, url) in _blocks)
        {
            if (paragraph is not null)
            {
                body.Append("<p>").Append(html.Encode(paragraph)).Append("</p>");
            }
            else
            {
                body.Append("<p><a href=\"").Append(html.Encode(url!))
                    .Append("\" style=\"display:inline-block;padding:10px 16px;background:#0b3d66;color:#ffffff;text-decoration:none;border-radius:4px\">")
                    .Append(html.Encode(label!)).Append("</a></p>")
                    .Append("<p style=\"font-size:14px\">If the button does not work, copy this address into your browser: ")
                    .Append(html.Encode(url!)).Append("</p>");
            }
        }

        return body.Append("<hr><p style=\"font-size:14px;color:#454545\">").Append(html.Encode(Footer(options)))
            .Append("</p></body></html>").ToString();
    }

    private static string Footer(EmailOptions options) =>
        $"This is an automated message from {options.FromName} ({options.FromAddress}). Questions? Write to {options.FromAddress}.";
}
