using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Oidc;

/// <summary>
/// Answers a request form past ASP.NET Core's limits (more than 1,024 fields, a name over 2 KB or a
/// value over 4 MB) with <c>invalid_request</c>, a malformed request (RFC 6749 section 5.2), instead of
/// the 500 that the <see cref="InvalidDataException"/> escaping OpenIddict's own form extraction would
/// give. It parses the form just before OpenIddict does, which then reuses the parsed form.
/// </summary>
public static class OversizedFormRejection
{
    public static OpenIddictServerHandlerDescriptor For<TContext>() where TContext : BaseValidatingContext =>
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<Handler<TContext>>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractGetOrPostRequest<TContext>.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private sealed class Handler<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseValidatingContext
    {
        public async ValueTask HandleAsync(TContext context)
        {
            // Only URL-encoded POST bodies are read as forms; OpenIddict rejects other content types itself.
            var request = context.Transaction.GetHttpRequest();
            if (request is null || !HttpMethods.IsPost(request.Method)
                || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
            {
                return;
            }

            try
            {
                await request.ReadFormAsync(context.CancellationToken);
            }
            catch (InvalidDataException)
            {
                context.Reject(Errors.InvalidRequest, "The request has too many parameters or a parameter that is too long.");
            }
        }
    }
}
