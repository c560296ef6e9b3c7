using Microsoft.AspNetCore;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Keys;

/// <summary>
/// Tells relying parties how long they may keep the JWKS (<see cref="AutomaticKeyOptions.JwksMaxAge"/>, shorter than
/// the propagation time), so one that honours it has fetched a new key before the key signs anything. OpenIddict sends
/// the JWKS without cache headers; error answers keep none, nor does <see cref="KeyMode.Certificates"/> mode, whose
/// certificates are added by hand and should be seen at once.
/// </summary>
public sealed class JwksCacheHeaders(IOptions<KeyOptions> options) : IOpenIddictServerHandler<ApplyJsonWebKeySetResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyJsonWebKeySetResponseContext>()
            .UseSingletonHandler<JwksCacheHeaders>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyJsonWebKeySetResponseContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyJsonWebKeySetResponseContext context)
    {
        if (options.Value.Mode == KeyMode.Automatic && context.Error is null && context.Transaction.GetHttpRequest()?.HttpContext.Response is { } response)
        {
            response.Headers.CacheControl = $"public, max-age={(long)options.Value.Automatic.JwksMaxAge.TotalSeconds}";
        }

        return ValueTask.CompletedTask;
    }
}
