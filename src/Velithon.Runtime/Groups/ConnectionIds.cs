using System;
using System.Globalization;
using System.Threading;

namespace Velithon.Groups;

/// <summary>
/// This server's id and the connection ids it gives out, <c>{server id}.{sequence}</c> (see
/// <see cref="WebSocket.ConnectionId"/>): unique across the fleet because the server id is drawn at random when the
/// hub is created (65 bits, so a collision between two of even thousands of servers is out of reach), unique on the
/// server because the sequence only grows. The server part routes a message to the one server that holds the connection.
/// </summary>
internal sealed class ConnectionIds
{
    /// <summary>The length of a server id: 13 base32 characters.</summary>
    public const int ServerIdLength = 13;

    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";
    private long _sequence;

    public ConnectionIds()
    {
        // From a version 4 GUID (RFC 9562 section 5.4), whose bits come from the operating system's secure random
        // source: RandomNumberGenerator would load OpenSSL at start-up for these 13 bytes, and a plain WebSocket server
        // needs OpenSSL for nothing else (docs/benchmarks.md, Native AOT). Byte 7 holds the version in its high nibble,
        // which reaches into its low five bits, so it is skipped; the variant bits of byte 8 lie above them.
        Span<byte> random = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(random);
        Span<char> chars = stackalloc char[ServerIdLength];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = Base32[random[i < 7 ? i : i + 1] & 31];
        }

        ServerId = new string(chars);
    }

    /// <summary>This server's id, the prefix of its connections' ids.</summary>
    public string ServerId { get; }

    /// <summary>A new connection id.</summary>
    public string Next() => Format(NextSequence());

    /// <summary>
    /// The sequence number of a new connection id, always above zero: the registry keys connections by it, and the
    /// id's string is written only for a connection whose id is read (<see cref="Format"/>).
    /// </summary>
    public long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>The connection id of <paramref name="sequence"/> (from <see cref="NextSequence"/>): the server id, a dot, the sequence in lowercase hex.</summary>
    public string Format(long sequence)
    {
        int digits = Math.Max(1, (64 - (int)ulong.LeadingZeroCount((ulong)sequence) + 3) / 4);
        return string.Create(ServerIdLength + 1 + digits, (ServerId, sequence), static (chars, state) =>
        {
            state.ServerId.CopyTo(chars);
            chars[ServerIdLength] = '.';
            ((ulong)state.sequence).TryFormat(chars[(ServerIdLength + 1)..], out _, "x", CultureInfo.InvariantCulture);
        });
    }

    /// <summary>
    /// The sequence number of <paramref name="connectionId"/> when it is an id this server gave out: exactly the string
    /// <see cref="Format"/> writes (no leading zero, no uppercase), so each id names one sequence and back.
    /// </summary>
    public bool TryGetSequence(string connectionId, out long sequence)
    {
        sequence = 0;
        if (!TryGetServerId(connectionId, out var server) || !server.SequenceEqual(ServerId))
        {
            return false;
        }

        var hex = connectionId.AsSpan(ServerIdLength + 1);
        if (hex.Length > 16 || hex[0] == '0'
            || !ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong parsed)
            || parsed > long.MaxValue)
        {
            return false;
        }

        sequence = (long)parsed;
        return true;
    }

    /// <summary>The server part of <paramref name="connectionId"/>; false for a string this scheme did not make.</summary>
    public static bool TryGetServerId(string connectionId, out ReadOnlySpan<char> serverId)
    {
        serverId = default;
        if (connectionId.Length < ServerIdLength + 2 || connectionId[ServerIdLength] != '.')
        {
            return false;
        }

        var server = connectionId.AsSpan(0, ServerIdLength);
        foreach (char c in server)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '2' and <= '7')))
            {
                return false;
            }
        }

        foreach (char c in connectionId.AsSpan(ServerIdLength + 1))
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        serverId = server;
        return true;
    }
}
