namespace Cers.Idp.SignIn;

/// <summary>
/// Lets at most one password-hash verification per core run at a time; the rest wait
/// asynchronously, holding no thread. PBKDF2 is deliberately slow CPU work (about 80 ms here):
/// with more verifications than cores in flight they only time-slice against each other and
/// against the thread pool's I/O work, so every sign-in gets slower and the server's total rate
/// drops. Queued this way a flood of sign-in attempts cannot starve the rest of the provider,
/// and sign-ins run at the hasher's own rate.
/// </summary>
public sealed class PasswordHashingGate : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public async Task<T> RunAsync<T>(Func<Task<T>> verification, CancellationToken cancellationToken)
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

    public void Dispose() => _slots.Dispose();
}
