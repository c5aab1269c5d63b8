namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// Counts the pub/sub messages in a stream of bytes Redis sends to a client: the top-level arrays (or RESP3 pushes)
/// whose first element is <c>message</c>, <c>smessage</c> or <c>pmessage</c>, whatever the client library is, so the
/// one-channel backplane and the per-topic one are counted the same way. Subscription confirmations and command
/// replies are skipped. Fed the bytes as they arrive, in any split.
/// </summary>
public sealed class PushCounter
{
    private byte[] _pending = new byte[64 * 1024];
    private int _length;
    private long _messages;
    private long _bytes;

    /// <summary>Pub/sub messages seen so far.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Bytes seen so far (every reply, not only messages).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Called by one reader at a time (each connection has its own counter or feeds it from one loop).</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        Interlocked.Add(ref _bytes, data.Length);
        if (_length + data.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _length + data.Length));
        }

        data.CopyTo(_pending.AsSpan(_length));
        _length += data.Length;

        var span = _pending.AsSpan(0, _length);
        int position = 0;
        while (true)
        {
            int end = Skip(span, position);
            if (end < 0)
            {
                break;
            }

            if (IsMessage(span[position..end]))
            {
                Interlocked.Increment(ref _messages);
            }

            position = end;
        }

        span[position..].CopyTo(_pending);
        _length -= position;
    }

    private static bool IsMessage(ReadOnlySpan<byte> value)
    {
        if (value.Length == 0 || (value[0] != '*' && value[0] != '>'))
        {
            return false;
        }

        int first = value.IndexOf("\r\n"u8) + 2;
        if (first >= value.Length || value[first] != '$')
        {
            return false;
        }

        int lineEnd = first + value[first..].IndexOf("\r\n"u8);
        var kind = value.Slice(lineEnd + 2, (int)ParseNumber(value[(first + 1)..lineEnd]));
        return kind.SequenceEqual("message"u8) || kind.SequenceEqual("smessage"u8) || kind.SequenceEqual("pmessage"u8);
    }

    /// <summary>The index just after the RESP value starting at <paramref name="position"/>, or -1 while it is incomplete.</summary>
    private static int Skip(ReadOnlySpan<byte> data, int position)
    {
        if (position >= data.Length)
        {
            return -1;
        }

        int eol = data[position..].IndexOf("\r\n"u8);
        if (eol < 0)
        {
            return -1;
        }

        int lineEnd = position + eol;
        switch (data[position])
        {
            case (byte)'$':
            case (byte)'=':
            case (byte)'!':
            {
                long length = ParseNumber(data[(position + 1)..lineEnd]);
                if (length < 0)
                {
                    return lineEnd + 2;
                }

                long end = lineEnd + 2 + length + 2;
                return end <= data.Length ? (int)end : -1;
            }

            case (byte)'*':
            case (byte)'>':
            case (byte)'~':
            case (byte)'%':
            {
                long count = ParseNumber(data[(position + 1)..lineEnd]);
                if (data[position] == '%')
                {
                    count *= 2;
                }

                int next = lineEnd + 2;
                for (long i = 0; i < count; i++)
                {
                    next = Skip(data, next);
                    if (next < 0)
                    {
                        return -1;
                    }
                }

                return next;
            }

            default:
                // Simple string, error, integer, and RESP3's null, boolean, double and big number: one line.
                return lineEnd + 2;
        }
    }

    private static long ParseNumber(ReadOnlySpan<byte> digits)
    {
        long value = 0;
        bool negative = digits.Length > 0 && digits[0] == '-';
        foreach (byte digit in negative ? digits[1..] : digits)
        {
            value = (value * 10) + (digit - '0');
        }

        return negative ? -value : value;
    }
}
