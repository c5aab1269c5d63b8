namespace Velithon.Protocol.Compression;

/// <summary>
/// The runtime's <c>PAL_ZStream</c>: the input and output windows of one zlib stream. The zlib state itself
/// lives behind <see cref="InternalState"/>; the native side copies these fields in and out on every call,
/// so only the fields' address must stay put during a call (the owners allocate it natively, once).
/// </summary>
internal unsafe struct ZStream
{
    public byte* NextIn;
    public byte* NextOut;
    public sbyte* Message;
    public void* InternalState;
    public uint AvailIn;
    public uint AvailOut;
}
