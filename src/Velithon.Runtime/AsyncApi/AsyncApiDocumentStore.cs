using System;
using System.Text;
using System.Threading;

namespace Velithon.AsyncApi;

/// <summary>
/// The application's AsyncAPI document, as the generated <c>MapVelithon()</c> registered it, for <c>MapAsyncApi()</c>
/// to serve as UTF-8. A singleton of <c>AddVelithon()</c>.
/// </summary>
/// <remarks>
/// The document is encoded when it is first served, not when it is registered: registration runs in every start,
/// and most applications never serve the document.
/// </remarks>
internal sealed class AsyncApiDocumentStore
{
    private Lazy<byte[]>? _document;

    /// <summary>The document's UTF-8 bytes; null until <c>MapVelithon()</c> registered one.</summary>
    public byte[]? Document => Volatile.Read(ref _document)?.Value;

    /// <summary>Keeps <paramref name="json"/>; a later registration replaces an earlier one.</summary>
    public void Register(string json) =>
        Volatile.Write(ref _document, new Lazy<byte[]>(() => Encoding.UTF8.GetBytes(json), LazyThreadSafetyMode.PublicationOnly));
}
