using Microsoft.AspNetCore.SignalR;

namespace Velithon.Runtime.Tests;

/// <summary>A SignalR hub beside Velithon's routes, to show that it keeps the application's WebSocket options.</summary>
public sealed class EchoHub : Hub
{
    public string Echo(string text) => text;
}
