using Microsoft.CodeAnalysis.CodeFixes;
using Velithon.CodeFixes;

namespace Velithon.Generators.Tests;

/// <summary>The code fixes of a handler's declaration: static (VLT0007), accessible (VLT0008), returning a task (VLT0010), taking the connection (VLT0011), with parameters that can bind (VLT0012).</summary>
public sealed class HandlerSignatureCodeFixTests
{
    [Fact]
    public async Task MakeStatic_AddsTheModifierAfterTheAccessibility()
    {
        // The body uses its parameters, a lambda and a static member: nothing of the instance.
        const string Source = """
            public class Handlers
            {
                private static readonly string Greeting = "hello";

                [WebSocket("/a")]
                public async Task Handle(WebSocket ws, TimeProvider clock)
                {
                    await ws.AcceptAsync();
                    Func<DateTimeOffset> now = () => clock.GetUtcNow();
                    await ws.SendTextAsync(Greeting + now());
                }
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new MakeHandlerStaticCodeFixProvider(), "VLT0007", "MakeStatic", Source);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("public async Task Handle", "public static async Task Handle", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task MakeStatic_FixAll_DropsAStructsReadonly()
    {
        const string Source = """
            internal class Handlers
            {
                [WebSocket("/a")]
                internal Task Handle(WebSocket ws) => Task.CompletedTask;

                [WebSocket("/b")]
                internal async Task Other(WebSocket ws) => await ws.AcceptAsync();
            }

            internal struct Values
            {
                [WebSocket("/c")]
                internal readonly Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new MakeHandlerStaticCodeFixProvider(), "VLT0007", "MakeStatic", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("internal Task Handle", "internal static Task Handle", StringComparison.Ordinal)
                .Replace("internal async Task", "internal static async Task", StringComparison.Ordinal)
                .Replace("internal readonly Task", "internal static Task", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Theory]
    [InlineData("public Task Handle(WebSocket ws) => ws.SendTextAsync(name).AsTask();")]
    [InlineData("public Task Handle(WebSocket ws) { Func<string> f = () => this.name; return Task.CompletedTask; }")]
    [InlineData("public virtual Task Handle(WebSocket ws) => Task.CompletedTask;")]
    [InlineData("public Task Handle(WebSocket ws) => Task.CompletedTask; public void Call(WebSocket ws) => new Handlers().Handle(ws);")]
    [InlineData("public Task Handle(WebSocket ws) => Task.CompletedTask; public void Call(Handlers? h, WebSocket ws) => h?.Handle(ws);")]
    public async Task MakeStatic_NotOfferedWhenTheMethodNeedsItsInstance(string member)
    {
        string source = $$"""
            public class Handlers
            {
                private readonly string name = "a";

                [WebSocket("/a")]
                {{member}}

                public string Name => name;
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new MakeHandlerStaticCodeFixProvider(), "VLT0007", source));
    }

    [Fact]
    public async Task MakeStatic_NotOfferedForAnInterfaceImplementation()
    {
        const string Source = """
            public interface IHandler
            {
                Task Handle(WebSocket ws);
            }

            public class Handlers : IHandler
            {
                [WebSocket("/a")]
                public Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new MakeHandlerStaticCodeFixProvider(), "VLT0007", Source));
    }

    [Fact]
    public async Task MakeInternal_ChangesTheMethodAndEveryHiddenContainingType()
    {
        const string Source = """
            public static class Outer
            {
                private class Handlers
                {
                    [WebSocket("/a")]
                    private protected static Task Handle(WebSocket ws) => Task.CompletedTask;
                }
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new MakeHandlerAccessibleCodeFixProvider(), "VLT0008", "MakeInternal", Source);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("private class", "internal class", StringComparison.Ordinal)
                .Replace("private protected static Task", "internal static Task", StringComparison.Ordinal),
            fixedSource);
    }

    [Fact]
    public async Task MakeInternal_FixAll_ChangesASharedClassOnce()
    {
        const string Source = """
            public class Outer
            {
                static class Handlers
                {
                    [WebSocket("/a")]
                    public static Task Handle(WebSocket ws) => Task.CompletedTask;

                    [WebSocket("/b")]
                    static Task Other(WebSocket ws) => Task.CompletedTask;
                }

                [WebSocket("/c")]
                protected sealed class Endpoint : WebSocketEndpoint
                {
                }
            }

            file static class Local
            {
                [WebSocket("/d")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new MakeHandlerAccessibleCodeFixProvider(), "VLT0008", "MakeInternal", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("    static class Handlers", "    internal static class Handlers", StringComparison.Ordinal)
                .Replace("        static Task Other", "        internal static Task Other", StringComparison.Ordinal)
                .Replace("protected sealed class", "internal sealed class", StringComparison.Ordinal)
                .Replace("file static class", "internal static class", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Fact]
    public async Task MakeInternal_NotOfferedWhenAFileTypeWouldClash()
    {
        string[] sources =
        [
            SnapshotTests.Usings + """
                file static class Handlers
                {
                    [WebSocket("/a")]
                    public static Task Handle(WebSocket ws) => Task.CompletedTask;
                }
                """,
            """
            file static class Handlers
            {
            }
            """,
        ];
        Assert.Empty(await EndpointCodeFix.OffersAsync(new MakeHandlerAccessibleCodeFixProvider(), "VLT0008", sources));
    }

    [Theory]
    [InlineData("public static async void Handle(WebSocket ws) => await ws.AcceptAsync();", "public static async Task Handle(WebSocket ws) => await ws.AcceptAsync();")]
    [InlineData("public static void Handle(WebSocket ws) => throw new WebSocketCloseException(4000, \"no\");", "public static Task Handle(WebSocket ws) => throw new WebSocketCloseException(4000, \"no\");")]
    public async Task ReturnTask_ChangesTheReturnType(string before, string after)
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                MEMBER
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new ReturnTaskCodeFixProvider(), "VLT0010", "ReturnTask", Source.Replace("MEMBER", before, StringComparison.Ordinal));
        Assert.Equal(SnapshotTests.Usings + Source.Replace("MEMBER", after, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task ReturnTask_ReturnsACompletedTaskFromEachExitOfASynchronousMethod()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static void Handle(WebSocket ws, [FromQuery] int code)
                {
                    if (code == 0)
                    {
                        return;
                    }

                    Action quit = () => { return; };
                    void Local() { return; }
                    Local();
                    Console.WriteLine(ws.ClientState);
                }
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new ReturnTaskCodeFixProvider(), "VLT0010", "ReturnTask", Source);
        Assert.Equal(
            SnapshotTests.Usings + """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws, [FromQuery] int code)
                {
                    if (code == 0)
                    {
                        return Task.CompletedTask;
                    }

                    Action quit = () => { return; };
                    void Local() { return; }
                    Local();
                    Console.WriteLine(ws.ClientState);
                    return Task.CompletedTask;
                }
            }
            """,
            fixedSource);
    }

    [Fact]
    public async Task ReturnTask_AddsNoReturnAfterAnEndThatIsNotReached()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static void Handle(WebSocket ws)
                {
                    Console.WriteLine(ws.ClientState);
                    throw new InvalidOperationException("aborted");
                }
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new ReturnTaskCodeFixProvider(), "VLT0010", "ReturnTask", Source);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("static void", "static Task", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task ReturnTask_FixAll_TurnsAnExpressionBodyIntoABlockAndAddsTheUsing()
    {
        const string Source = """
            using Velithon;

            public static class Handlers
            {
                [WebSocket("/a")]
                public static void Handle(WebSocket ws) => System.Console.WriteLine(ws.ClientState); // logs

                [WebSocket("/b")]
                public static async void Other(WebSocket ws)
                {
                    await ws.AcceptAsync();
                }
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new ReturnTaskCodeFixProvider(), "VLT0010", "ReturnTask", FixAllScope.Document, Source);
        Assert.Equal(
            """
            using System.Threading.Tasks;
            using Velithon;

            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws)
                {
                    System.Console.WriteLine(ws.ClientState);
                    return Task.CompletedTask;
                } // logs

                [WebSocket("/b")]
                public static async Task Other(WebSocket ws)
                {
                    await ws.AcceptAsync();
                }
            }
            """,
            fixedSources[0]);
    }

    [Theory]
    [InlineData("public static Task<int> Handle(WebSocket ws) => Task.FromResult(1);")]
    [InlineData("public static async ValueTask<int> Handle(WebSocket ws) { await ws.AcceptAsync(); return 1; }")]
    [InlineData("public static int Handle(WebSocket ws) => 1;")]
    public async Task ReturnTask_NotOfferedForAResult(string member)
    {
        string source = $$"""
            public static class Handlers
            {
                [WebSocket("/a")]
                {{member}}
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new ReturnTaskCodeFixProvider(), "VLT0010", source));
    }

    [Fact]
    public async Task AddWebSocketParameter_GoesFirst()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(HttpContext context) => Task.CompletedTask;
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new AddWebSocketParameterCodeFixProvider(), "VLT0011", "AddWebSocketParameter", Source);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("Handle(HttpContext context)", "Handle(WebSocket ws, HttpContext context)", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task AddWebSocketParameter_FixAll_PicksAFreeNameAndAddsTheUsing()
    {
        const string Source = """
            using System.Threading.Tasks;

            public static class Handlers
            {
                [Velithon.WebSocket("/a")]
                public static Task Handle() => Task.CompletedTask;

                [Velithon.WebSocket("/b")]
                public static Task Other([Microsoft.AspNetCore.Mvc.FromQuery] int ws)
                {
                    return Task.FromResult(ws);
                }
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new AddWebSocketParameterCodeFixProvider(), "VLT0011", "AddWebSocketParameter", FixAllScope.Document, Source);
        Assert.Equal(
            """
            using System.Threading.Tasks;
            using Velithon;

            public static class Handlers
            {
                [Velithon.WebSocket("/a")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;

                [Velithon.WebSocket("/b")]
                public static Task Other(WebSocket webSocket, [Microsoft.AspNetCore.Mvc.FromQuery] int ws)
                {
                    return Task.FromResult(ws);
                }
            }
            """,
            fixedSources[0]);
    }

    [Fact]
    public async Task AddWebSocketParameter_WritesTheFullNameWhereTheShortOneIsAmbiguous()
    {
        const string Source = """
            using System.Net.WebSockets;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;
            using Velithon;

            public static class Handlers
            {
                [Velithon.WebSocket("/a")]
                public static Task Handle(HttpContext context) => Task.CompletedTask;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.ApplyAsync(new AddWebSocketParameterCodeFixProvider(), "VLT0011", "AddWebSocketParameter", [Source]);
        Assert.Equal(Source.Replace("Handle(HttpContext context)", "Handle(Velithon.WebSocket ws, HttpContext context)", StringComparison.Ordinal), fixedSources[0]);
    }

    [Fact]
    public async Task AddWebSocketParameter_NotOfferedForTwo()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket first, WebSocket second) => Task.CompletedTask;
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new AddWebSocketParameterCodeFixProvider(), "VLT0011", Source));
    }

    [Theory]
    [InlineData("ref int count", "int count")]
    [InlineData("in int count", "int count")]
    [InlineData("ref readonly int count", "int count")]
    [InlineData("[FromRoute] out int count", "[FromRoute] int count")]
    public async Task RemoveParameterModifier_LetsTheParameterBind(string before, string after)
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/items/<int:count>")]
                public static Task Handle(WebSocket ws, PARAMETER)
                {
                    BODY
                    return Task.CompletedTask;
                }
            }
            """;
        // An out parameter must be assigned; the assignment stays valid once it is a plain parameter.
        string body = before.Contains("out", StringComparison.Ordinal) ? "count = 0;" : "System.Console.WriteLine(count);";
        string fixedSource = await EndpointCodeFix.ApplyAsync(
            new RemoveParameterModifierCodeFixProvider(), "VLT0012", "RemoveParameterModifier", Source.Replace("PARAMETER", before, StringComparison.Ordinal).Replace("BODY", body, StringComparison.Ordinal));
        Assert.Equal(SnapshotTests.Usings + Source.Replace("PARAMETER", after, StringComparison.Ordinal).Replace("BODY", body, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task RemoveParameterModifier_FixAll()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a/<int:count>")]
                public static Task Handle(WebSocket ws, in int count) => Task.CompletedTask;

                [WebSocket("/b")]
                public static Task Other(WebSocket ws, [FromQuery] ref string tag) => Task.CompletedTask;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new RemoveParameterModifierCodeFixProvider(), "VLT0012", "RemoveParameterModifier", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("in int count", "int count", StringComparison.Ordinal)
                .Replace("ref string tag", "string tag", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Theory]
    [InlineData("ref int count", "public static void Call(WebSocket ws) { int n = 1; Handle(ws, ref n); }")]
    [InlineData("[FromBody] int count", "")]
    [InlineData("int count, [FromQuery] params int[] more", "")]
    public async Task RemoveParameterModifier_NotOfferedWhenCalledOrForAnotherReason(string parameter, string caller)
    {
        string source = $$"""
            public static class Handlers
            {
                [WebSocket("/items/<int:count>")]
                public static Task Handle(WebSocket ws, {{parameter}}) => Task.CompletedTask;

                {{caller}}
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new RemoveParameterModifierCodeFixProvider(), "VLT0012", source));
    }
}
