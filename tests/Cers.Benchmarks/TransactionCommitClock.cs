using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Cers.Benchmarks;

/// <summary>
/// When one <see cref="DbContext"/> commits its transactions, read from EF Core's diagnostic events, so
/// the code under test is not touched: for a job that commits once per batch, the time between two
/// commits is one batch, its query for the next ids included.
/// </summary>
internal sealed class TransactionCommitClock : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly string CommittedEvent = RelationalEventId.TransactionCommitted.Name!;

    private readonly DbContext _context;
    private readonly Lock _gate = new();
    private readonly List<long> _commits = [];
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _listeners;

    public TransactionCommitClock(DbContext context)
    {
        _context = context;
        _listeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public int Commits
    {
        get
        {
            lock (_gate)
            {
                return _commits.Count;
            }
        }
    }

    /// <summary>The time from <paramref name="start"/> to the first commit, then between each commit and the next, in milliseconds, in order.</summary>
    public double[] IntervalsMs(long start)
    {
        lock (_gate)
        {
            return _commits
                .Select((commit, i) => Stopwatch.GetElapsedTime(i == 0 ? start : _commits[i - 1], commit).TotalMilliseconds)
                .ToArray();
        }
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (_gate)
            {
                _subscriptions.Add(listener.Subscribe(this, name => name == CommittedEvent));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is TransactionEndEventData data && ReferenceEquals(data.Context, _context))
        {
            var now = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                _commits.Add(now);
            }
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _listeners.Dispose();
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }
}
