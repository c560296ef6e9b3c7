namespace Cers.Idp.SignIn;

/// <summary>
/// Lets at most one password-hash verification per core run at a time; the rest wait
/// asynchronously, holding no thread. PBKDF2 is deliberately slow CPU work (about 80 ms here):
/// with more verifications than cores in flight they only time-slice against each other and
/// against the thread pool's I/O work. The queue is bounded too: past it a sign-in is refused at
/// once (the page answers 503 with Retry-After) instead of waiting minutes, so a flood of attempts
/// cannot starve the rest of the provider or pile up unbounded work.
/// </summary>
public sealed class PasswordHashingGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly int _maxInFlight;
    private int _inFlight;

    public PasswordHashingGate()
        : this(Environment.ProcessorCount, queuePerSlot: 32)
    {
    }

    internal PasswordHashingGate(int slots, int queuePerSlot)
    {
        _slots = new SemaphoreSlim(slots, slots);
        _maxInFlight = slots * (1 + queuePerSlot);
    }

    /// <summary>Runs the verification when a core is free; <see langword="null"/> when the queue is full.</summary>
    public async Task<T?> TryRunAsync<T>(Func<Task<T>> verification, CancellationToken cancellationToken)
        where T : class
    {
        if (Interlocked.Increment(ref _inFlight) > _maxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            return null;
        }

        try
        {
            await _slots.WaitAsync(cancellationToken);
            try
            {
                return await verification();
            }
            finally
            {
                _slots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public void Dispose() => _slots.Dispose();
}
