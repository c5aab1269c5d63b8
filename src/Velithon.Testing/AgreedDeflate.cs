using System;
using Microsoft.Extensions.Primitives;
using Velithon.Protocol.Compression;

namespace Velithon.Testing;

/// <summary>Reads the permessage-deflate parameters a server's 101 agreed on (RFC 7692 section 7.1), for the test client's framing.</summary>
internal static class AgreedDeflate
{
    /// <summary>The agreed parameters, or null when the response names no permessage-deflate.</summary>
    /// <exception cref="InvalidOperationException">The server agreed on an extension the client cannot speak.</exception>
    public static PerMessageDeflateParameters? Parse(StringValues extensions)
    {
        foreach (string? value in extensions)
        {
            foreach (var extension in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = extension.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (!string.Equals(parts[0], PerMessageDeflateNegotiation.ExtensionName, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"The server agreed on the extension '{parts[0]}', which the test client does not speak.");
                }

                int serverBits = 15, clientBits = 15;
                bool serverNoContext = false, clientNoContext = false;
                foreach (var parameter in parts.AsSpan(1))
                {
                    int equals = parameter.IndexOf('=', StringComparison.Ordinal);
                    string name = (equals < 0 ? parameter : parameter[..equals]).Trim();
                    string? setting = equals < 0 ? null : parameter[(equals + 1)..].Trim().Trim('"');
                    switch (name.ToLowerInvariant())
                    {
                        case "server_no_context_takeover":
                            serverNoContext = true;
                            break;
                        case "client_no_context_takeover":
                            clientNoContext = true;
                            break;
                        case "server_max_window_bits":
                            serverBits = int.Parse(setting!, System.Globalization.CultureInfo.InvariantCulture);
                            break;
                        case "client_max_window_bits":
                            clientBits = int.Parse(setting!, System.Globalization.CultureInfo.InvariantCulture);
                            break;
                        default:
                            throw new InvalidOperationException($"The server's permessage-deflate names the parameter '{name}', which RFC 7692 does not define.");
                    }
                }

                return new PerMessageDeflateParameters(serverBits, clientBits, serverNoContext, clientNoContext);
            }
        }

        return null;
    }
}
