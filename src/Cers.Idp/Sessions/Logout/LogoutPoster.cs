namespace Cers.Idp.Sessions.Logout;

/// <summary>
/// The HTTP client logout tokens go out with. Not one from <see cref="IHttpClientFactory"/>, whose clients here carry
/// the service defaults' resilience handler: that would resend the same token, which a relying party must refuse as a
/// replayed <c>jti</c>; <see cref="BackChannelLogoutJob"/> retries with a fresh token instead. A redirect is an answer
/// that is not 200, not a place to send the token to, and no cookie is kept between relying parties.
/// </summary>
public sealed class LogoutPoster : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        // The job's own timeout (LogoutDelivery:Timeout) bounds each attempt.
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public async Task<HttpResponseMessage> PostAsync(Uri uri, string logoutToken, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent([new("logout_token", logoutToken)]);
        return await _http.PostAsync(uri, content, cancellationToken);
    }

    public void Dispose() => _http.Dispose();
}
