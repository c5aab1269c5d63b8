using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Connections;
using Velithon.Hosting;
using Velithon.Protocol;
using Velithon.Routing;

namespace Velithon.Sessions;

/// <summary>
/// This server's resumable sessions by id, and the resume handshake. Sessions live in this process's memory: a token
/// names the server that issued it, and another server refuses it with 4421. A session that ended because its buffer
/// overflowed while detached leaves a small mark until its window would have passed, so its client learns 4413
/// rather than 4410.
/// </summary>
internal sealed class SessionRegistry(VelithonRuntime runtime, IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, object> _entries = new(StringComparer.Ordinal);
    private IDataProtector? _protector;
    private Func<IDataProtectionProvider>? _inMemoryKeys;
    private int _detached;

    public VelithonRuntime Runtime => runtime;

    /// <summary>Sessions held (attached or detached) and marks of overflowed ones; for the soak tests.</summary>
    public int Count => _entries.Count;

    /// <summary>Sessions waiting for their client to come back.</summary>
    public int Detached => Volatile.Read(ref _detached);

    /// <summary>A session detached (+1), or re-attached or ended while detached (-1).</summary>
    public void OnDetached(int change)
    {
        Interlocked.Add(ref _detached, change);
        runtime.Metrics.SessionDetached(change);
    }

    /// <summary>
    /// Lets tokens be protected with keys in this process's memory when the application registers no Data Protection.
    /// The generated <c>MapVelithon()</c> calls it (through <see cref="WebSocketRouteBuilderExtensions.EnableResumableSessions"/>)
    /// when one of its routes is resumable, so an application without one compiles no Data Protection at all: its
    /// key ring, its XML and its algorithms stay out of a Native AOT binary (docs/benchmarks.md).
    /// </summary>
    /// <remarks>
    /// The provider is made by a delegate created here, not constructed in <see cref="ProtectionProvider"/>: code that
    /// constructs it is compiled wherever it is reachable, and every application reaches that method.
    /// </remarks>
    public void EnableInMemoryKeys() => _inMemoryKeys ??= static () => new EphemeralDataProtectionProvider();

    /// <summary>Whether tokens can be protected: in-memory keys are enabled, or the application registered Data Protection.</summary>
    public bool CanProtectTokens =>
        _inMemoryKeys is not null || services.GetService<IServiceProviderIsService>()?.IsService(typeof(IDataProtectionProvider)) == true;

    /// <summary>
    /// The application's Data Protection, when it registered one (<c>AddDataProtection()</c>, its key ring and
    /// policies); else keys in this process's memory, which is where the sessions are too: a token is no use to a
    /// server that does not hold its session.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither: the route became resumable through metadata the generator did not see.</exception>
    internal IDataProtector Protector => Volatile.Read(ref _protector) ?? PublishProtector();

    // The first handshakes of resumable routes can get here together. One protector is kept and every caller uses
    // it: with in-memory keys each provider has its own key ring, and a token protected by a discarded one could
    // never be read, so its session could never resume.
    private IDataProtector PublishProtector()
    {
        var created = ProtectionProvider().CreateProtector(ResumeToken.Purpose);
        return Interlocked.CompareExchange(ref _protector, created, null) ?? created;
    }

    private IDataProtectionProvider ProtectionProvider()
    {
        if (services.GetService<IDataProtectionProvider>() is { } registered)
        {
            return registered;
        }

        return _inMemoryKeys?.Invoke() ?? throw new InvalidOperationException(MissingKeysMessage("A route"));
    }

    /// <summary>The error of a resumable route without keys for its tokens.</summary>
    public static string MissingKeysMessage(string route) =>
        $"{route} has resumable sessions ([ResumableSession]) but no keys for their tokens: the generated MapVelithon() enables "
        + "in-memory keys only when a route it maps has [ResumableSession]. Call builder.Services.AddDataProtection(), "
        + "or put [ResumableSession] on the handler.";

    /// <summary>Starts a session for <paramref name="owner"/>, accepted with the resume subprotocol on a resumable route.</summary>
    public ResumableSession Create(ServerWebSocket owner, ResumableSessionAttribute settings)
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var context = owner.HttpContext;
        var fields = new ResumeTokenFields(System.Buffers.Text.Base64Url.EncodeToString(random), owner.UserId, RouteOf(context), PathOf(context));
        var session = new ResumableSession(owner, this, settings, fields, IssueToken(fields, generation: 0));
        _entries[fields.SessionId] = session;
        return session;
    }

    /// <summary>The token of generation <paramref name="generation"/> of the session <paramref name="fields"/> describes.</summary>
    public string IssueToken(ResumeTokenFields fields, long generation) =>
        ResumeToken.Create(Protector, runtime.Hub.Ids.ServerId, fields, generation);

    /// <summary>Forgets <paramref name="session"/>, unless a mark of its overflow replaced it.</summary>
    public void Remove(ResumableSession session) =>
        _entries.TryRemove(new System.Collections.Generic.KeyValuePair<string, object>(session.Fields.SessionId, session));

    /// <summary>Replaces <paramref name="session"/> by a mark that it overflowed, removed when its window would have passed.</summary>
    public void MarkOverflowed(ResumableSession session)
    {
        var mark = new OverflowMark();
        string id = session.Fields.SessionId;
        _entries[id] = mark;
        mark.Timer = runtime.Clock.TimeProvider.CreateTimer(
            static state =>
            {
                var (registry, id, mark) = ((SessionRegistry, string, OverflowMark))state!;
                registry._entries.TryRemove(new System.Collections.Generic.KeyValuePair<string, object>(id, mark));
                mark.Timer?.Dispose();
            },
            (this, id, mark), session.Window, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Serves a handshake that offers to resume: accepts it with the resume subprotocol, then either attaches it to
    /// its session and holds the request until that transport is lost or the session is over, or closes it with the
    /// refusal's code (docs/resumable-sessions.md, "Refusals"). No handler runs for it.
    /// </summary>
    public async Task ResumeAsync(HttpContext context, RoutePolicy policy, string handlerName, ResumeOffer offer)
    {
        var (code, reason, session, generation) = Check(context, policy, handlerName, offer);
        FrameWebSocket transport;
        try
        {
            transport = await ServerWebSocket.OpenTransportAsync(context, runtime, ResumeProtocol.SubProtocol).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.IO.IOException or OperationCanceledException)
        {
            // The client left during the handshake; its session, if any, still waits.
            return;
        }

        Task? attachmentEnded = null;
        if (code == 0)
        {
            code = session!.Resume(transport, context, offer.Received, generation, out attachmentEnded, out reason);
            if (code == WebSocketCloseCode.SessionBufferOverflow)
            {
                session.EndOverflowed();
            }
        }

        if (code != 0)
        {
            runtime.Metrics.SessionRefused(code);
            Log.ResumeRefused(runtime.Logger, handlerName, code, reason);
            await CloseAsync(transport, code, reason).ConfigureAwait(false);
            return;
        }

        if (runtime.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            Log.SessionResumed(runtime.Logger, handlerName, context.Request.Path.Value ?? "/");
        }

        // The transport is the session's now; this request holds it open until it is lost or the session is over.
        await attachmentEnded!.ConfigureAwait(false);

        // The request ends with this method, and the transport with it: only once no frame is being written on it (a
        // keep-alive ping or a pong may still be, when the transport was lost or replaced).
        await transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// What the token of <paramref name="offer"/> can resume on this request: a refusal's code, or 0 with its session
    /// and the token's generation, which the session checks when the transport attaches (under its lock, where two
    /// resumes with one token meet).
    /// </summary>
    private (int Code, string Reason, ResumableSession? Session, long Generation) Check(HttpContext context, RoutePolicy policy, string handlerName, ResumeOffer offer)
    {
        if (offer.Token is null)
        {
            return Refuse(WebSocketCloseCode.SessionTokenInvalid, "The resume offer is not velithon.resume.v1.<received>.<token>.");
        }

        switch (ResumeToken.Read(Protector, runtime.Hub.Ids.ServerId, offer.Token, out var fields, out long generation))
        {
            case ResumeTokenResult.AnotherServer:
                return Refuse(WebSocketCloseCode.SessionOnAnotherServer, "The session lives on another server.");
            case ResumeTokenResult.Invalid:
                return Refuse(WebSocketCloseCode.SessionTokenInvalid, "The resume token is not valid.");
        }

        // The user as the accept would see it: the same rule, on this request.
        string? userId;
        try
        {
            userId = new ServerWebSocket(context, runtime, handlerName, policy).ResolveUserId();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // VelithonOptions.UserIdProvider is the application's code; no handler runs for a resume, so its failure
            // refuses the resume (logged as a refusal) rather than escaping the request as an unhandled exception.
            return Refuse(WebSocketCloseCode.SessionForbidden, $"The user of this request could not be resolved: {exception.Message}");
        }

        if (!string.Equals(fields.UserId, userId, StringComparison.Ordinal))
        {
            return Refuse(WebSocketCloseCode.SessionForbidden, "The session belongs to another user.");
        }

        if (!string.Equals(fields.Route, RouteOf(context), StringComparison.Ordinal) || !string.Equals(fields.Path, PathOf(context), StringComparison.Ordinal))
        {
            return Refuse(WebSocketCloseCode.SessionForbidden, "The session belongs to another route.");
        }

        return _entries.TryGetValue(fields.SessionId, out var entry) switch
        {
            false => Refuse(WebSocketCloseCode.SessionGone, "The session has expired or ended."),
            _ when entry is OverflowMark => Refuse(WebSocketCloseCode.SessionBufferOverflow, "The session's buffer overflowed."),
            _ => (0, string.Empty, (ResumableSession)entry!, generation),
        };

        static (int, string, ResumableSession?, long) Refuse(int code, string reason) => (code, reason, null, 0);
    }

    private async Task CloseAsync(FrameWebSocket transport, int code, string reason)
    {
        try
        {
            var timeout = runtime.Options.CloseTimeout;
            await transport.CloseAsync(code, reason, CancellationToken.None).AsTask()
                .WaitAsync(timeout.TotalMilliseconds < uint.MaxValue - 1 ? timeout : Timeout.InfiniteTimeSpan, runtime.Clock.TimeProvider)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException || FrameWebSocket.IsTransportFailure(exception))
        {
            // The client did not answer the close in time, or left: the transport is cut either way.
        }
        finally
        {
            // A close frame still waiting for a client that stopped reading is cut short here.
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string RouteOf(HttpContext context) => (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? string.Empty;

    private static string PathOf(HttpContext context) => context.Request.PathBase.Add(context.Request.Path).Value ?? "/";

    private sealed class OverflowMark
    {
        public ITimer? Timer;
    }
}
