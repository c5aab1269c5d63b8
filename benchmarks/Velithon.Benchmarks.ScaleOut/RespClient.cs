using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// A plain RESP2 connection to Redis: a command as an array of bulk strings, its reply read whole. The harness reads
/// Redis's own figures (<c>INFO</c>, <c>CLIENT LIST</c>) through it, and drives Redis without a client library
/// where the client's own cost must stay out of the figure.
/// </summary>
public sealed class RespClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _reader;

    private RespClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new BufferedStream(_stream, 64 * 1024);
    }

    public static async Task<RespClient> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RespClient(client);
    }

    public Stream Stream => _stream;

    /// <summary>Sends one command and reads its reply: a string, a long, null, or an array of those.</summary>
    public object? Command(params string[] arguments)
    {
        Write(arguments);
        return ReadReply();
    }

    /// <summary>Sends one command without reading its reply (pipelining; read the replies with <see cref="ReadReply"/>).</summary>
    public void Write(params string[] arguments)
    {
        var bytes = Encode(arguments);
        _stream.Write(bytes);
    }

    /// <summary>A command in RESP2's request form.</summary>
    public static byte[] Encode(params string[] arguments)
    {
        var text = new StringBuilder();
        text.Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Writes bytes already encoded (many commands at once).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    public object? ReadReply()
    {
        int type = _reader.ReadByte();
        string line = ReadLine();
        switch (type)
        {
            case '+':
                return line;
            case '-':
                throw new InvalidOperationException("Redis: " + line);
            case ':':
                return long.Parse(line, CultureInfo.InvariantCulture);
            case '$':
            {
                int length = int.Parse(line, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var data = new byte[length + 2];
                _reader.ReadExactly(data);
                return Encoding.UTF8.GetString(data, 0, length);
            }

            case '*':
            {
                int count = int.Parse(line, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (int i = 0; i < count; i++)
                {
                    items[i] = ReadReply();
                }

                return items;
            }

            default:
                throw new InvalidOperationException($"Unexpected RESP type {type}.");
        }
    }

    /// <summary>One field of <c>INFO</c> (for example <c>used_cpu_user</c>), as a number.</summary>
    public double Info(string section, string field) => ParseInfo((string)Command("INFO", section)!)[field];

    public static Dictionary<string, double> ParseInfo(string info)
    {
        var fields = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in info.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && double.TryParse(line.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                fields[line[..colon]] = value;
            }
        }

        return fields;
    }

    /// <summary>Seconds of CPU the Redis process has used, user plus system (<c>INFO cpu</c>).</summary>
    public double CpuSeconds()
    {
        var cpu = ParseInfo((string)Command("INFO", "cpu")!);
        return cpu["used_cpu_user"] + cpu["used_cpu_sys"];
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            int b = _reader.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException("Redis closed the connection.");
            }

            if (b == '\r')
            {
                _reader.ReadByte();
                return line.ToString();
            }

            line.Append((char)b);
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _client.Dispose();
    }
}
