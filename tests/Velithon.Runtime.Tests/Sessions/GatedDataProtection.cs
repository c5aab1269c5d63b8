using Microsoft.AspNetCore.DataProtection;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// Data Protection with keys in memory whose <c>Protect</c> can hold its callers until a given number of them arrived:
/// a resume protects the next token before it takes the session's lock, so holding two resumes there makes both reach
/// that lock together, every time.
/// </summary>
public sealed class GatedDataProtection : IDataProtectionProvider
{
    private readonly EphemeralDataProtectionProvider _keys = new();
    private CountdownEvent? _gate;
    private int _arrived;
    private int _held;

    /// <summary>From now on, the next <paramref name="callers"/> calls to <c>Protect</c> each wait until all of them arrived.</summary>
    public void HoldTogether(int callers)
    {
        _arrived = 0;
        _held = callers;
        Volatile.Write(ref _gate, new CountdownEvent(callers));
    }

    public IDataProtector CreateProtector(string purpose) => new Protector(this, _keys.CreateProtector(purpose));

    private void Arrive()
    {
        if (Volatile.Read(ref _gate) is not { } gate || Interlocked.Increment(ref _arrived) > _held)
        {
            return;
        }

        gate.Signal();
        if (!gate.Wait(Client.Timeout))
        {
            throw new TimeoutException($"Only {_held - gate.CurrentCount} of {_held} callers reached Protect.");
        }
    }

    private sealed class Protector(GatedDataProtection owner, IDataProtector keys) : IDataProtector
    {
        public IDataProtector CreateProtector(string purpose) => new Protector(owner, keys.CreateProtector(purpose));

        public byte[] Protect(byte[] plaintext)
        {
            owner.Arrive();
            return keys.Protect(plaintext);
        }

        public byte[] Unprotect(byte[] protectedData) => keys.Unprotect(protectedData);
    }
}
