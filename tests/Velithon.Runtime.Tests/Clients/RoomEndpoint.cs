using Microsoft.AspNetCore.Mvc;
using Velithon;

namespace Velithon.Runtime.Tests.Clients;

/// <summary>
/// The route the typed clients' tests connect to: a typed route value, an optional query value and an optional
/// header, all echoed back in <see cref="Said"/>; answers invalid messages with error envelopes.
/// </summary>
[WebSocket("/clients/room/<int:room>")]
[InvalidMessages(InvalidMessageBehavior.SendError)]
public sealed class RoomEndpoint(int room, [FromQuery(Name = "user")] string? userName, [FromHeader(Name = "X-Room-Token")] string? token) : WebSocketEndpoint
{
    [OnMessage]
    public ValueTask OnSay(RoomSocket socket, Say say) =>
        socket.SendAsync(new Said(room, userName, token, say.Text, say.Mood, say.Tags, say.Note));

    [OnMessage]
    public ValueTask<SumResult> OnSum(RoomSocket socket, Sum sum) => new(new SumResult(sum.Values.Sum(static v => (long)v), null));

    [OnMessage]
    public async ValueTask OnAskMe(RoomSocket socket, AskMe ask)
    {
        Answer answer = await socket.RequestAsync(new Question(ask.Prompt));
        await socket.SendAsync(new Said(room, userName, token, $"{answer.Text} ({answer.Length})", Mood.Calm, [], null));
    }

    [OnMessage]
    public async ValueTask OnLeave(RoomSocket socket, Leave leave) => await socket.CloseAsync(leave.Code, "leaving");

    [OnMessage]
    public async ValueTask<SumResult> OnStall(RoomSocket socket, Stall stall)
    {
        // Never answered: the client's timeout is what ends the request.
        await Task.Delay(Timeout.Infinite, socket.Aborted).ContinueWith(static _ => { }, TaskScheduler.Default);
        return new SumResult(0, null);
    }
}
