using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Cers.Testing;

/// <summary>
/// A real SMTP server on a loopback port, in the test process: the provider's MailKit client talks
/// SMTP to it exactly as to a production server. It can be stopped and started again on the same
/// port to play an SMTP outage.
/// </summary>
public sealed class SmtpListener : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _arrived = new(0);
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    public SmtpListener()
    {
        Port = Loopback.FreePort();
        Start();
    }

    public int Port { get; }

    public IReadOnlyCollection<MimeMessage> Messages => _messages;

    /// <summary>Settings that point a service's <c>Email</c> section at this listener, retrying quickly.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Email:Smtp:Host", "127.0.0.1"),
        new("Email:Smtp:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Email:Smtp:Security", "None"),
        new("Email:Smtp:Timeout", "00:00:05"),
        new("Email:Outbox:FirstRetryDelay", "00:00:00.500"),
        new("Email:Outbox:MaxRetryDelay", "00:00:02"),
        new("Jobs:QueuePollInterval", "00:00:00.200"),
        new("Jobs:SchedulePollingInterval", "00:00:01"),
    ];

    /// <summary>
    /// Refuses mail to <paramref name="address"/> for good, as a real server refuses an unknown mailbox, until
    /// <see cref="Accept"/>: its <c>RCPT TO</c> is answered <c>550 5.1.1 &lt;address&gt;: Recipient address rejected: User unknown</c>.
    /// </summary>
    public void RefuseForGood(string address) => _refused[address] = true;

    public void Accept(string address) => _refused.TryRemove(address, out _);

    public void Start()
    {
        if (_server is not null)
        {
            return;
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("cers-test-smtp")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Recipients(this));
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops listening: connections are refused until <see cref="Start"/>.</summary>
    public async Task StopAsync()
    {
        if (_server is null)
        {
            return;
        }

        _server.Shutdown();
        await _server.ShutdownTask;
        await _running!;
        _server = null;
    }

    /// <summary>Waits for a message to <paramref name="to"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<MimeMessage> WaitForAsync(string to, string subject, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var matches = Find(to, subject);
            var found = matches.Count > 0 ? matches[0] : null;
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No email to {to} with subject containing '{subject}' arrived; {_messages.Count} other(s) did.");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Waits until exactly <paramref name="count"/> matching messages have arrived (no more within a short grace period).</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForCountAsync(string to, string subject, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (Find(to, subject).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var found = Find(to, subject);
        if (found.Count != count)
        {
            throw new InvalidOperationException($"Expected {count} emails to {to} about '{subject}', got {found.Count}.");
        }

        return found;
    }

    public IReadOnlyList<MimeMessage> Find(string to, string? subject = null) =>
        [.. _messages.Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase))
            && (subject is null || (m.Subject ?? "").Contains(subject, StringComparison.Ordinal)))];

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _arrived.Dispose();
    }

    private sealed class Recipients(SmtpListener listener) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, SmtpServer.Mail.IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, SmtpServer.Mail.IMailbox to, SmtpServer.Mail.IMailbox from, CancellationToken cancellationToken)
        {
            var address = $"{to.User}@{to.Host}";
            if (listener._refused.ContainsKey(address))
            {
                throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable, $"5.1.1 <{address}>: Recipient address rejected: User unknown"));
            }

            return Task.FromResult(true);
        }
    }

    private sealed class Store(SmtpListener listener) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            listener._messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            listener._arrived.Release();
            return SmtpResponse.Ok;
        }
    }
}
