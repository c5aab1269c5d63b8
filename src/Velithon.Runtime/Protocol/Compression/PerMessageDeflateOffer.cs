using System;
using System.Globalization;

namespace Velithon.Protocol.Compression;

/// <summary>One permessage-deflate offer's parameters as they are read (RFC 7692 section 7.1), and the server's answer to it.</summary>
internal struct PerMessageDeflateOffer
{
    public const string ServerNoContextTakeover = "server_no_context_takeover";
    public const string ClientNoContextTakeover = "client_no_context_takeover";
    public const string ServerMaxWindowBits = "server_max_window_bits";
    public const string ClientMaxWindowBits = "client_max_window_bits";

    private bool _declined;
    private bool _serverNoContextTakeover;
    private bool _clientNoContextTakeover;
    private bool _serverMaxWindowBitsOffered;
    private int _serverMaxWindowBits;
    private bool _clientMaxWindowBitsOffered;
    private int _clientMaxWindowBits;

    /// <summary>
    /// Records one parameter; an unknown one, a repeated one or a value that is not allowed declines the
    /// whole offer (section 7). Names compare without case, as extension tokens do.
    /// </summary>
    public void Add(ReadOnlySpan<char> name, string? value)
    {
        if (name.Equals(ServerNoContextTakeover, StringComparison.OrdinalIgnoreCase))
        {
            // Section 7.1.1.1: no value.
            _declined |= _serverNoContextTakeover || value is not null;
            _serverNoContextTakeover = true;
        }
        else if (name.Equals(ClientNoContextTakeover, StringComparison.OrdinalIgnoreCase))
        {
            // Section 7.1.1.2: no value.
            _declined |= _clientNoContextTakeover || value is not null;
            _clientNoContextTakeover = true;
        }
        else if (name.Equals(ServerMaxWindowBits, StringComparison.OrdinalIgnoreCase))
        {
            // Section 7.1.2.1: a value is required.
            bool valid = TryParseWindowBits(value, out int bits);
            _declined |= _serverMaxWindowBitsOffered || !valid;
            _serverMaxWindowBitsOffered = true;
            _serverMaxWindowBits = bits;
        }
        else if (name.Equals(ClientMaxWindowBits, StringComparison.OrdinalIgnoreCase))
        {
            // Section 7.1.2.2: the value is optional; without one, the client only says it understands the parameter.
            int bits = 0;
            _declined |= _clientMaxWindowBitsOffered || (value is not null && !TryParseWindowBits(value, out bits));
            _clientMaxWindowBitsOffered = true;
            _clientMaxWindowBits = bits;
        }
        else
        {
            _declined = true;
        }
    }

    /// <summary>
    /// Accepts the offer when the server can meet it, and writes the response: server_no_context_takeover
    /// when the server resets (configured, or asked); client_no_context_takeover when the client offered it;
    /// server_max_window_bits when the server's window is below 15 or the client asked for a limit;
    /// client_max_window_bits only when the client offered the parameter (section 7.1.2.2 forbids it otherwise).
    /// </summary>
    public readonly bool TryAccept(int configuredWindowBits, bool disableServerContextTakeover, out PerMessageDeflateParameters parameters, out string response)
    {
        parameters = default;
        response = string.Empty;

        // zlib cannot compress raw DEFLATE with a window of 8 (section 7.1.2.1 lets the server decline).
        if (_declined || _serverMaxWindowBits == 8)
        {
            return false;
        }

        bool serverNoContextTakeover = disableServerContextTakeover || _serverNoContextTakeover;
        int serverWindowBits = _serverMaxWindowBits > 0 ? Math.Min(configuredWindowBits, _serverMaxWindowBits) : configuredWindowBits;
        int clientWindowBits = _clientMaxWindowBits > 0 ? _clientMaxWindowBits : 15;
        parameters = new PerMessageDeflateParameters(serverWindowBits, clientWindowBits, serverNoContextTakeover, _clientNoContextTakeover);

        response = PerMessageDeflateNegotiation.ExtensionName;
        if (serverNoContextTakeover)
        {
            response += "; " + ServerNoContextTakeover;
        }

        if (_clientNoContextTakeover)
        {
            response += "; " + ClientNoContextTakeover;
        }

        if (serverWindowBits < 15 || _serverMaxWindowBitsOffered)
        {
            response += "; " + ServerMaxWindowBits + "=" + WindowBitsText(serverWindowBits);
        }

        if (_clientMaxWindowBitsOffered)
        {
            response += "; " + ClientMaxWindowBits + "=" + WindowBitsText(clientWindowBits);
        }

        return true;
    }

    /// <summary>A decimal 8 to 15 without leading zeros (section 7.1.2.1); quoted values arrive unquoted (RFC 6455 section 9.1).</summary>
    private static bool TryParseWindowBits(string? value, out int bits)
    {
        bits = value switch
        {
            "8" => 8,
            "9" => 9,
            "10" => 10,
            "11" => 11,
            "12" => 12,
            "13" => 13,
            "14" => 14,
            "15" => 15,
            _ => 0,
        };
        return bits != 0;
    }

    private static string WindowBitsText(int bits) => bits.ToString(CultureInfo.InvariantCulture);
}
