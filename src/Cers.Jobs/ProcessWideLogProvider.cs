using Hangfire.AspNetCore;
using Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace Cers.Jobs;

/// <summary>
/// Hangfire's log provider is process-wide (static), set by the last host that configured it. In
/// production there is one host per process; in the tests several start and stop, and a stopped host's
/// disposed logger factory must not break the jobs of the hosts still running: its loggers go quiet.
/// </summary>
internal sealed class ProcessWideLogProvider(ILoggerFactory loggers) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(loggers);

    public ILog GetLogger(string name)
    {
        try
        {
            return new QuietWhenDisposed(_inner.GetLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new QuietWhenDisposed(null);
        }
    }

    private sealed class QuietWhenDisposed(ILog? inner) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                return inner?.Log(logLevel, messageFunc, exception) ?? false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
