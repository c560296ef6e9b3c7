using Cers.Email.Outbox;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Cers.Email.Smtp;

/// <summary>
/// Sends outbox emails over one MailKit SMTP connection. Each message carries its outbox
/// idempotency key as <c>Message-ID</c> (RFC 5322 section 3.6.4), so a message sent twice after a
/// crash is recognisably the same message.
/// </summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options)
{
    public async Task<SmtpSession> ConnectAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Smtp;
        var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return new SmtpSession(client, options.Value);
    }

    public static MimeMessage Compose(OutboxEmail email, EmailOptions options)
    {
        var message = new MimeMessage
        {
            Subject = email.Subject,
            MessageId = MessageIdFor(email.IdempotencyKey, options.FromAddress),
            Date = new DateTimeOffset(email.CreatedAt, TimeSpan.Zero),
        };
        message.From.Add(new MailboxAddress(options.FromName, options.FromAddress));
        message.To.Add(new MailboxAddress(email.ToName, email.ToAddress));
        message.Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody();
        return message;
    }

    /// <summary>A stable Message-ID from the idempotency key: the key is hashed so nothing in it (an id, a kind) shows in headers.</summary>
    public static string MessageIdFor(string idempotencyKey, string fromAddress)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idempotencyKey)));
        var domain = fromAddress[(fromAddress.LastIndexOf('@') + 1)..];
        return $"{hash[..40]}@{domain}";
    }
}

/// <summary>An open, authenticated SMTP connection for one batch.</summary>
public sealed class SmtpSession(SmtpClient client, EmailOptions options) : IAsyncDisposable
{
    public Task SendAsync(OutboxEmail email, CancellationToken cancellationToken) =>
        client.SendAsync(SmtpEmailSender.Compose(email, options), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is IOException or MailKit.ProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The messages are already accepted or recorded as failed; a broken QUIT changes nothing.
        }
        finally
        {
            client.Dispose();
        }
    }
}
