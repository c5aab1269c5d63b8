using System.ComponentModel;
using System.Threading.Tasks;

namespace Velithon.Contracts;

/// <summary>
/// Hands one received envelope of a typed contract to the route's <see cref="OnMessageAttribute"/> handlers: the
/// dispatch Velithon's generator writes for each contract route. Infrastructure, hidden from IntelliSense.
/// </summary>
/// <param name="socket">The connection's typed socket.</param>
/// <param name="message">
/// The envelope, valid only until this returns: the dispatch deserializes the payload before it awaits anything.
/// </param>
/// <returns>A task that completes when the handler has (and, for a request, its reply has been sent).</returns>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate ValueTask ContractDispatch(ContractSocket socket, in ContractMessage message);
