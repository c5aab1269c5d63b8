using System;
using System.Threading;
using System.Threading.Tasks;
using TransportState = System.Net.WebSockets.WebSocketState;

namespace Velithon.Protocol;

/// <summary>The closing handshake started by this side (RFC 6455 section 7.1.2): our close frame, then the peer's.</summary>
internal sealed partial class FrameWebSocket
{
    // After closing for a message over the limit, how much of its frame is read past to find the peer's close frame.
    private const long MaxBytesSkippedForClose = 1024 * 1024;

    /// <summary>
    /// Sends the close frame, then waits until the peer's arrives, discarding any message before it. A receive in
    /// progress (the handler's) reads the peer's close frame itself; this waits for it to finish. After a protocol
    /// violation nothing more is read: the close frame goes out and the handshake ends there (section 7.1.7).
    /// </summary>
    /// <param name="code">The close code to send.</param>
    /// <param name="reason">The reason, at most 123 UTF-8 bytes.</param>
    /// <param name="cancellationToken">The close's deadline; when it passes, the caller aborts the connection.</param>
    public async ValueTask CloseAsync(int code, string? reason, CancellationToken cancellationToken)
    {
        await CloseOutputAsync(code, reason, cancellationToken).ConfigureAwait(false);
        while (_closeStatus is null && State == TransportState.CloseSent && !_failed)
        {
            if (!TryClaimReceive(out var released))
            {
                await released.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await DiscardUntilCloseAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Abort();
                throw;
            }
            finally
            {
                ReleaseReceive();
            }
        }
    }

    /// <summary>After our close frame: skips data until the peer's close frame, which ends the handshake.</summary>
    private async ValueTask DiscardUntilCloseAsync(CancellationToken cancellationToken)
    {
        if (_skipRemaining > MaxBytesSkippedForClose)
        {
            // The peer's close frame cannot be told from the payload until the oversized frame ends; reading that
            // far for it is not worth it. The close frame went out, so the connection still ends gracefully.
            _failed = true;
            return;
        }

        while (_closeStatus is null && State == TransportState.CloseSent && !_failed)
        {
            if (_skipRemaining > 0)
            {
                if (_readCount == 0)
                {
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                }

                int skipped = (int)Math.Min(_skipRemaining, _readCount);
                Consume(skipped);
                _skipRemaining -= skipped;
                continue;
            }

            FrameHeader header;
            while (!FrameHeader.TryRead(_readBuffer.AsSpan(_readOffset, _readCount), out header))
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            if (header.PayloadLength < 0 || (header.IsControl && header.PayloadLength > FrameHeader.MaxControlPayloadLength))
            {
                // Nothing more can be read from this peer: the close handshake ends here.
                _failed = true;
                return;
            }

            Consume(header.Length);
            if (header.Opcode != FrameHeader.Close)
            {
                _skipRemaining = header.PayloadLength;
                continue;
            }

            int payloadLength = (int)header.PayloadLength;
            while (_readCount < payloadLength)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            if (OnCloseFrame(TakePayload(payloadLength, header).Span) is not null)
            {
                // A malformed close frame still ends the handshake: ours went out, nothing more is read.
                _failed = true;
            }
        }
    }

    /// <summary>Reads more of the stream into the read buffer (the close path; the receive path inlines this).</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        _reads++;
        CommitFill(_input is null ? await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false) : TakeFromPipe(await _input.ReadAsync(cancellationToken).ConfigureAwait(false)));
    }
}
