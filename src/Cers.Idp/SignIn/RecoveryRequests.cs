using System.Text.Json;
using Cers.Idp.Activation;
using Cers.Idp.Audit;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;

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

/// <summary>What a recovery form was given, and by which client address.</summary>
public sealed record RecoveryRequest(RecoveryRequestKind Kind, string Value, string? ClientAddress);

/// <summary>
/// The recovery forms (forgot username, forgot password, resend activation) hand what was typed to a
/// Hangfire job and answer at once, so the request does the same work whether or not an account exists:
/// finding it, writing its email and starting delivery happen off the request, where their time cannot
/// be measured by the visitor (the lookup for an unknown account took a third of a real one's). The job
/// is stored durably before the page answers, so a request is not lost to a restart. Its argument is
/// protected with Data Protection: the addresses and usernames people type do not sit readable in the job
/// storage or on the jobs dashboard.
/// </summary>
public sealed class RecoveryRequests(IBackgroundJobClient jobs, IHttpContextAccessor http, IDataProtectionProvider protection)
{
    private const string Purpose = "Cers.Idp.SignIn.RecoveryRequests";

    public void Queue(RecoveryRequestKind kind, string value)
    {
        var request = new RecoveryRequest(kind, value, http.HttpContext?.Connection.RemoteIpAddress?.ToString());
        var sealedRequest = Protector(protection).Protect(JsonSerializer.Serialize(request));
        jobs.Enqueue<RecoveryRequestJob>(job => job.RunAsync(sealedRequest, CancellationToken.None));
    }

    /// <summary>Reads a queued request back (the job does; so may a test).</summary>
    public static RecoveryRequest Open(IDataProtectionProvider protection, string sealedRequest) =>
        JsonSerializer.Deserialize<RecoveryRequest>(Protector(protection).Unprotect(sealedRequest))
            ?? throw new InvalidOperationException("A queued recovery request is empty.");

    private static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector(Purpose);
}

/// <summary>Carries out one queued recovery request, recording the client's address as the request had it.</summary>
public sealed class RecoveryRequestJob(AccountRecovery recovery, AccountActivation activation, AuditLog audit, IDataProtectionProvider protection)
{
    public Task RunAsync(string sealedRequest, CancellationToken cancellationToken)
    {
        var request = RecoveryRequests.Open(protection, sealedRequest);
        audit.ClientAddress = request.ClientAddress;
        return request.Kind switch
        {
            RecoveryRequestKind.UserName => recovery.SendUserNameAsync(request.Value, cancellationToken),
            RecoveryRequestKind.PasswordReset => recovery.SendPasswordResetAsync(request.Value, cancellationToken),
            RecoveryRequestKind.ActivationResend => activation.ResendAsync(request.Value, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(sealedRequest), request.Kind, null),
        };
    }
}
