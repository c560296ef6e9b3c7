using Cers.Idp.Activation;
using Cers.Idp.Audit;
using Hangfire;

namespace Cers.Idp.SignIn;

public enum RecoveryRequestKind
{
    /// <summary>Forgot username: the value is an email address.</summary>
    UserName,

    /// <summary>Forgot password: the value is a username.</summary>
    PasswordReset,

    /// <summary>Resend activation: the value is an email address.</summary>
    ActivationResend,
}

/// <summary>
/// The recovery forms (forgot username, forgot password, resend activation) hand what was typed to a
/// Hangfire job and answer at once, so the request does the same work whether or not an account exists:
/// finding it, writing its email and starting delivery happen off the request, where their time cannot
/// be measured by the visitor (the lookup for an unknown account took a third of a real one's). The job
/// is stored durably before the page answers, so a request is not lost to a restart.
/// </summary>
public sealed class RecoveryRequests(IBackgroundJobClient jobs, IHttpContextAccessor http)
{
    public void Queue(RecoveryRequestKind kind, string value)
    {
        var client = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        jobs.Enqueue<RecoveryRequestJob>(job => job.RunAsync(kind, value, client, CancellationToken.None));
    }
}

/// <summary>Carries out one queued recovery request, recording the client's address as the request had it.</summary>
public sealed class RecoveryRequestJob(AccountRecovery recovery, AccountActivation activation, AuditLog audit)
{
    public Task RunAsync(RecoveryRequestKind kind, string value, string? clientAddress, CancellationToken cancellationToken)
    {
        audit.ClientAddress = clientAddress;
        return kind switch
        {
            RecoveryRequestKind.UserName => recovery.SendUserNameAsync(value, cancellationToken),
            RecoveryRequestKind.PasswordReset => recovery.SendPasswordResetAsync(value, cancellationToken),
            RecoveryRequestKind.ActivationResend => activation.ResendAsync(value, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
