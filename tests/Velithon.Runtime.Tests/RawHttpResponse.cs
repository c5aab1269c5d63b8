using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Velithon.Runtime.Tests;

/// <summary>One HTTP/1.1 request written byte for byte, so nothing between the test and Kestrel normalises its target or headers.</summary>
public sealed record RawHttpResponse(int Status, string Head, string Body)
{
    /// <summary>The values of the response header <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> Header(string name) =>
        Head.Split("\r\n").Skip(1)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && string.Equals(parts[0].Trim(), name, StringComparison.OrdinalIgnoreCase))
            .Select(parts => parts[1].Trim())
            .ToList();

    /// <summary>
    /// Sends <c>GET <paramref name="target"/></c> with <paramref name="headers"/> (and a Host header naming
    /// <paramref name="server"/> unless they hold one)
    /// and reads the status line, the headers and a body sent with Content-Length or chunked. For refusals only: a 101
    /// is returned with an empty body.
    /// </summary>
    public static async Task<RawHttpResponse> GetAsync(Uri server, string target, params string[] headers)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Host, server.Port).WaitAsync(Client.Timeout);
        var stream = tcp.GetStream();
        var request = new StringBuilder($"GET {target} HTTP/1.1\r\n");
        if (!headers.Any(header => header.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)))
        {
            request.Append($"Host: {server.Host}:{server.Port}\r\n");
        }

        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString())).AsTask().WaitAsync(Client.Timeout);

        var received = new List<byte>();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOf(received, "\r\n\r\n"u8.ToArray())) < 0)
        {
            await ReadMoreAsync();
        }

        string head = Encoding.ASCII.GetString(received.GetRange(0, headEnd).ToArray());
        received.RemoveRange(0, headEnd + 4);
        int status = int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture);
        var response = new RawHttpResponse(status, head, "");
        if (status == 101)
        {
            return response;
        }

        var body = new List<byte>();
        if (response.Header("Content-Length") is [var length])
        {
            while (received.Count < int.Parse(length, CultureInfo.InvariantCulture))
            {
                await ReadMoreAsync();
            }

            body.AddRange(received);
        }
        else if (response.Header("Transfer-Encoding").Contains("chunked"))
        {
            while (true)
            {
                int lineEnd;
                while ((lineEnd = IndexOf(received, "\r\n"u8.ToArray())) < 0)
                {
                    await ReadMoreAsync();
                }

                int size = int.Parse(Encoding.ASCII.GetString(received.GetRange(0, lineEnd).ToArray()), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                while (received.Count < lineEnd + 2 + size + 2)
                {
                    await ReadMoreAsync();
                }

                body.AddRange(received.GetRange(lineEnd + 2, size));
                received.RemoveRange(0, lineEnd + 2 + size + 2);
                if (size == 0)
                {
                    break;
                }
            }
        }

        return response with { Body = Encoding.UTF8.GetString(body.ToArray()) };

        async Task ReadMoreAsync()
        {
            int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Client.Timeout);
            if (read == 0)
            {
                throw new EndOfStreamException("The server closed the connection before the response was complete: " + Encoding.ASCII.GetString(received.ToArray()));
            }

            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    private static int IndexOf(List<byte> data, byte[] pattern)
    {
        for (int i = 0; i + pattern.Length <= data.Count; i++)
        {
            int j = 0;
            while (j < pattern.Length && data[i + j] == pattern[j])
            {
                j++;
            }

            if (j == pattern.Length)
            {
                return i;
            }
        }

        return -1;
    }
}
