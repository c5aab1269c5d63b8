using Microsoft.AspNetCore.Builder;
using Velithon.Endpoints;
using Velithon.Routing;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>Maps the contract routes with the infrastructure API the generated <c>MapVelithon()</c> calls.</summary>
public static class ContractRoutes
{
    public static void Map(WebApplication app)
    {
        // The default policy (the options': Close).
        app.MapWebSocketRoute("/contract/{boardId}", "/contract/<boardId>", "BoardRoute.Connect",
            static ws => BoardRoute.Connect(new TestBoardSocket(ws, BoardRoute.DispatchDelegate), (string)ws.PathParameters["boardId"]!));

        // The same handlers with [InvalidMessages(InvalidMessageBehavior.SendError)] on the route.
        app.MapWebSocketRoute("/contract-errors/{boardId}", "/contract-errors/<boardId>", "BoardRoute.Connect",
            static ws => BoardRoute.Connect(new TestBoardSocket(ws, BoardRoute.DispatchDelegate), (string)ws.PathParameters["boardId"]!),
            [new InvalidMessagesAttribute(InvalidMessageBehavior.SendError)]);

        // An endpoint class run by the contract runner.
        app.MapWebSocketRoute("/contract-endpoint/{boardId}", "/contract-endpoint/<boardId>", "BoardTestEndpoint",
            static ws => WebSocketEndpointRunner.RunAsync(
                new TestBoardSocket(ws, BoardRoute.DispatchDelegate), new BoardTestEndpoint((string)ws.PathParameters["boardId"]!)));

        // A route without a contract, and one whose handler asks for the wrong contract: From reports both.
        app.MapWebSocketRoute("/contract-from/{which}", "/contract-from/<which>", "FromProbe", static async ws =>
        {
            if ((string)ws.PathParameters["which"]! == "other")
            {
                _ = new TestBoardSocket(ws, BoardRoute.DispatchDelegate);
            }

            string outcome;
            try
            {
                outcome = OtherTestSocket.From(ws).GetType().Name;
            }
            catch (InvalidOperationException exception)
            {
                outcome = exception.Message;
            }

            await ws.AcceptAsync();
            await ws.SendTextAsync(outcome);
            await ws.ReceiveAsync();
        });
    }
}
