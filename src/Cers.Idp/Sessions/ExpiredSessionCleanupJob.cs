namespace Cers.Idp.Sessions;

/// <summary>
/// Ends sessions past their idle timeout or absolute lifetime that nobody came back to (a returning cookie ends its own
/// session on the spot): revokes the refresh tokens issued in them and deletes the rows. Works in batches; running
/// twice, or on two servers at once, ends nothing twice (each end is a conditional delete).
/// </summary>
public sealed partial class ExpiredSessionCleanupJob(ProviderSessions sessions, ILogger<ExpiredSessionCleanupJob> logger)
{
    public const int BatchSize = 200;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int ended;
        do
        {
            ended = await sessions.EndExpiredAsync(BatchSize, cancellationToken);
            total += ended;
        }
        while (ended == BatchSize);

        if (total > 0)
        {
            LogEnded(logger, total);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended {Count} expired sessions")]
    private static partial void LogEnded(ILogger logger, int count);
}
