using System.Diagnostics.Metrics;

namespace Cers.Idp.Telemetry;

/// <summary>
/// The provider's own meter, <see cref="MeterName"/> (created through <see cref="IMeterFactory"/>, so each host in a
/// process has its own and OpenTelemetry exports it): what it issued and what people did. Names and units follow
/// OpenTelemetry's conventions (dotted lower case, UCUM units in braces for counts); attribute values are bounded sets
/// (grant types, configured client ids, outcomes), never a user or an address.
/// </summary>
public sealed class IdpMetrics
{
    public const string MeterName = "Cers.Idp";

    private readonly Counter<long> _tokens;
    private readonly Counter<long> _signIns;
    private readonly Counter<long> _secondFactors;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _activations;
    private readonly Counter<long> _reminders;
    private readonly Counter<long> _expiries;

    public IdpMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _tokens = meter.CreateCounter<long>("cers.idp.token.responses", "{response}",
            "Token endpoint responses that issued tokens, by grant type and client.");
        _signIns = meter.CreateCounter<long>("cers.idp.sign_in.attempts", "{attempt}",
            "Password sign-in attempts by outcome: succeeded, second_factor_required, failed, locked_out, not_activated, disabled, busy.");
        _secondFactors = meter.CreateCounter<long>("cers.idp.mfa.challenges", "{challenge}",
            "Answers to a second-factor challenge by factor (authenticator, recovery_code, passkey) and outcome (succeeded, failed, locked_out).");
        _registrations = meter.CreateCounter<long>("cers.idp.registrations", "{registration}", "Accounts registered, pending activation.");
        _activations = meter.CreateCounter<long>("cers.idp.activations", "{activation}", "Accounts activated by their emailed link.");
        _reminders = meter.CreateCounter<long>("cers.idp.activation.reminders", "{email}", "Activation reminders owed by the reminder job.");
        _expiries = meter.CreateCounter<long>("cers.idp.activation.expiries", "{account}", "Pending accounts expired unactivated.");
    }

    public void TokenResponse(string grantType, string clientId) =>
        _tokens.Add(1, new KeyValuePair<string, object?>("cers.grant_type", grantType), new KeyValuePair<string, object?>("cers.client_id", clientId));

    public void SignIn(string outcome) => _signIns.Add(1, new KeyValuePair<string, object?>("cers.outcome", outcome));

    public void SecondFactor(string factor, string outcome) =>
        _secondFactors.Add(1, new KeyValuePair<string, object?>("cers.factor", factor), new KeyValuePair<string, object?>("cers.outcome", outcome));

    public void Registered() => _registrations.Add(1);

    public void Activated() => _activations.Add(1);

    public void Reminded(int count) => _reminders.Add(count);

    public void Expired(int count) => _expiries.Add(count);
}
