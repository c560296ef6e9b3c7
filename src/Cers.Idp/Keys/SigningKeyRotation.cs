using Microsoft.Extensions.Options;

namespace Cers.Idp.Keys;

/// <summary>
/// Every <see cref="AutomaticKeyOptions.RefreshInterval"/> on the injected clock, makes the keys that are due and
/// reads what other instances made (<see cref="AutomaticSigningKeys.RefreshAsync"/>). A failed round (the database
/// away for a moment) is logged and the keys already read keep signing until the next round.
/// </summary>
public sealed partial class SigningKeyRotation(
    AutomaticSigningKeys keys,
    IOptions<KeyOptions> options,
    TimeProvider time,
    ILogger<SigningKeyRotation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Automatic.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await keys.RefreshAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRefreshFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the signing keys failed; the keys read before keep signing")]
    private partial void LogRefreshFailed(Exception exception);
}
