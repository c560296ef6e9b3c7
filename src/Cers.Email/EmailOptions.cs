using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Cers.Email;

/// <summary>The <c>Email</c> section: who CERS mail comes from, the SMTP server it goes through, and how the outbox retries.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    /// <summary>The support sender every CERS email comes from (DESIGN.md: CERS Technical Support).</summary>
    [Required, EmailAddress]
    public string FromAddress { get; set; } = "cers@calepa.ca.gov";

    [Required, StringLength(100)]
    public string FromName { get; set; } = "CERS Technical Support";

    [Required]
    public SmtpSettings Smtp { get; set; } = new();

    [Required]
    public OutboxSettings Outbox { get; set; } = new();
}

public sealed class SmtpSettings
{
    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>
    /// <c>StartTls</c> (default), <c>SslOnConnect</c>, or <c>None</c> for a local development server
    /// (MailKit's names). Emails carry sign-in links, so TLS is required unless switched off on purpose;
    /// "when available" is not offered, as a man in the middle can make it unavailable.
    /// </summary>
    [EnumDataType(typeof(SecureSocketOptions))]
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    /// <summary>Set both or neither; the password comes from configuration (user secrets, environment), never from a committed file.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class OutboxSettings
{
    /// <summary>Emails sent over one SMTP connection per claim.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>Delay before the first retry; it doubles with each failure up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a claimed email is left to its sender before another run may take it over (a crash mid-send).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this many failed attempts (days, with the default delays) an email is set aside as failed.</summary>
    [Range(1, 10000)]
    public int MaxAttempts { get; set; } = 200;
}
