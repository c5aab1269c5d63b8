using Velithon;
using Velithon.Redis;

// `Velithon.Demo board-client <server> <boardId> <name> <task>`: the generated C# client of the task board, used
// against a running demo instead of serving one.
if (args is ["board-client", var server, var boardId, var name, var title])
{
    return await Velithon.Demo.Board.BoardClient.RunAsync(new Uri(server), boardId, name, title);
}

var builder = WebApplication.CreateSlimBuilder(args);

// http://localhost:8000 unless --urls or the "urls" setting says otherwise.
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://localhost:8000");

var velithon = builder.Services.AddVelithon(options => options.MaxMessageSize = 64 * 1024);
builder.Services.AddSingleton<Velithon.Demo.Board.TaskBoardStore>();

// Demo:Redis (environment: Demo__Redis=host:port) lets several instances share chat rooms.
if (builder.Configuration["Demo:Redis"] is { Length: > 0 } redis)
{
    velithon.AddRedisBackplane(redis);
}

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapVelithon();

// The contracts' typed TypeScript clients: /velithon/TaskBoardSocket.js (and .d.ts), loaded by the page as a module.
app.MapVelithonClients();

// The AsyncAPI 3.0 document of the routes above, generated at build time (docs/asyncapi.md).
app.MapAsyncApi("/asyncapi/v1.json");
app.Run();
return 0;

/// <summary>The demo's entry point; public so tests can host the whole application in memory.</summary>
public partial class Program;
