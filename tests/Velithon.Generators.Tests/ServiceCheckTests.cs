using System.Net.WebSockets;
using System.Text;

namespace Velithon.Generators.Tests;

/// <summary>
/// A handler's service that is not registered fails the application's start, naming the handler, the
/// parameter and the type, instead of failing every handshake with 500. Runs the generated route table on
/// Kestrel on 127.0.0.1.
/// </summary>
public sealed class ServiceCheckTests
{
    private const string App = SnapshotTests.Usings + """
        using System.Net;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Hosting;

        namespace Shop;

        public interface IRoomRegistry { }
        public sealed class RoomRegistry : IRoomRegistry { }
        public interface IClock { }
        public sealed class Clock : IClock { }
        public interface IAudit { }
        public sealed class Audit : IAudit { }

        public static class Chat
        {
            [WebSocket("/chat/<roomId>")]
            public static async Task Room(WebSocket ws, string roomId, IRoomRegistry rooms, [FromKeyedServices("utc")] IClock clock, IClock? optional)
            {
                await ws.AcceptAsync();
                await ws.SendTextAsync(roomId);
                await ws.CloseAsync(1000, "done");
            }
        }

        [WebSocket("/rooms")]
        public sealed class RoomsEndpoint(IAudit audit) : WebSocketEndpoint
        {
            public IAudit Audit { get; } = audit;
        }

        public static class Program
        {
            public static async Task<WebApplication> StartAsync(bool registerRooms, bool registerClock, bool registerAudit)
            {
                var builder = WebApplication.CreateSlimBuilder();
                builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
                builder.Services.AddVelithon();
                if (registerRooms)
                {
                    builder.Services.AddSingleton<IRoomRegistry, RoomRegistry>();
                }

                if (registerClock)
                {
                    builder.Services.AddKeyedSingleton<IClock, Clock>("utc");
                }

                if (registerAudit)
                {
                    builder.Services.AddScoped<IAudit, Audit>();
                }

                var app = builder.Build();
                app.MapVelithon();
                await app.StartAsync();
                return app;
            }
        }
        """;

    [Fact]
    public async Task UnregisteredService_FailsTheStartNamingHandlerParameterAndType()
    {
        var context = Load();
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(context, registerRooms: false, registerClock: true, registerAudit: true));
            Assert.Equal(
                "Shop.Chat.Room's parameter 'rooms' needs Shop.IRoomRegistry, which is not registered: add builder.Services.AddSingleton<Shop.IRoomRegistry, ...>() "
                + "(or AddScoped, AddTransient) before builder.Build(), or make the parameter nullable if the service is optional.",
                error.Message);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public async Task UnregisteredKeyedService_FailsTheStart()
    {
        var context = Load();
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(context, registerRooms: true, registerClock: false, registerAudit: true));
            Assert.Equal(
                "Shop.Chat.Room's parameter 'clock' needs Shop.IClock with the key \"utc\", which is not registered: add builder.Services.AddKeyedSingleton<Shop.IClock, ...>(\"utc\") "
                + "(or AddKeyedScoped, AddKeyedTransient) before builder.Build(), or make the parameter nullable if the service is optional.",
                error.Message);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public async Task UnregisteredConstructorService_FailsTheStartNamingTheConstructorParameter()
    {
        var context = Load();
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(context, registerRooms: true, registerClock: true, registerAudit: false));
            Assert.StartsWith(
                "Shop.RoomsEndpoint's constructor parameter 'audit' needs Shop.IAudit, which is not registered: add builder.Services.AddSingleton<Shop.IAudit, ...>()",
                error.Message,
                StringComparison.Ordinal);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public async Task RegisteredServices_StartAndServe()
    {
        var context = Load();
        try
        {
            await using var app = await StartAsync(context, registerRooms: true, registerClock: true, registerAudit: true);
            var address = new Uri(app.Urls.Single().Replace("http://", "ws://", StringComparison.Ordinal) + "/chat/lobby");
            using var client = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.ConnectAsync(address, timeout.Token);
            var buffer = new byte[64];
            var received = await client.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal("lobby", Encoding.UTF8.GetString(buffer, 0, received.Count));
            await app.StopAsync();
        }
        finally
        {
            context.Unload();
        }
    }

    private static CompiledAssemblies Load()
    {
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(App));
        GeneratorHarness.AssertClean(output);
        var context = new CompiledAssemblies();
        context.Add("TestApp", CompiledAssemblies.Emit(output));
        return context;
    }

    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync(CompiledAssemblies context, bool registerRooms, bool registerClock, bool registerAudit) =>
        (Microsoft.AspNetCore.Builder.WebApplication)(await CompiledAssemblies.InvokeAsync(
            context.LoadImage("TestApp"), "Shop.Program", "StartAsync", registerRooms, registerClock, registerAudit))!;
}
