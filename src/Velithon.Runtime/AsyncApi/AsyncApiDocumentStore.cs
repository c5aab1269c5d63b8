using System.Text;
using System.Threading;

namespace Velithon.AsyncApi;

/// <summary>
/// The application's AsyncAPI document, as the generated <c>MapVelithon()</c> registered it: UTF-8 bytes, encoded once,
/// for <c>MapAsyncApi()</c> to serve. A singleton of <c>AddVelithon()</c>.
/// </summary>
internal sealed class AsyncApiDocumentStore
{
    private byte[]? _document;

    /// <summary>The document's UTF-8 bytes; null until <c>MapVelithon()</c> registered one.</summary>
    public byte[]? Document => Volatile.Read(ref _document);

    /// <summary>Keeps <paramref name="json"/>; a later registration replaces an earlier one.</summary>
    public void Register(string json) => Volatile.Write(ref _document, Encoding.UTF8.GetBytes(json));
}
