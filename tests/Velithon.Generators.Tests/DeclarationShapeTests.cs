using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Tests;

/// <summary>
/// Every declaration <c>[WebSocket]</c> can sit on (<c>AttributeTargets.Method | AttributeTargets.Class</c>)
/// that the route table cannot serve gets an error at the attribute, from the analyzer and from the
/// generator (<see cref="DiagnosticMarkup.VerifyAsync(string)"/> checks both), never silence.
/// </summary>
public sealed class DeclarationShapeTests
{
    [Fact]
    public async Task LocalFunctionInTopLevelStatements_ReportsVLT0024()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            await Task.CompletedTask;

            [{|VLT0024:WebSocket("/chat/<roomId>")|}]
            static async Task ChatRoom(WebSocket ws, string roomId) => await ws.AcceptAsync();
            """, OutputKind.ConsoleApplication, DiagnosticSeverity.Error);
        Assert.Equal(
            "[WebSocket] is on the local function 'ChatRoom', which the route table cannot call, so no route is mapped; put it on a static method of a class, or on a class deriving from WebSocketEndpoint",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task LocalFunctionInAMethod_ReportsVLT0024()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Setup
            {
                public static void Run()
                {
                    [{|VLT0024:WebSocket("/a")|}]
                    static Task Handle(WebSocket ws) => Task.CompletedTask;
                }
            }
            """);
    }

    [Fact]
    public async Task Lambda_ReportsVLT0024()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Setup
            {
                public static readonly Func<WebSocket, Task> Handler = [{|VLT0024:WebSocket("/a")|}] (WebSocket ws) => Task.CompletedTask;
            }
            """);
    }

    [Fact]
    public async Task Accessors_ReportVLT0024()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Setup
            {
                public static Task Value
                {
                    [{|VLT0024:WebSocket("/a")|}] get => Task.CompletedTask;
                    [{|VLT0024:WebSocket("/b")|}] set { }
                }

                public static event EventHandler? Changed
                {
                    [{|VLT0024:WebSocket("/c")|}] add { }
                    [{|VLT0024:WebSocket("/d")|}] remove { }
                }
            }
            """);
    }

    [Fact]
    public async Task OperatorsAndFinalizer_ReportVLT0024()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public sealed class Money
            {
                [{|VLT0024:WebSocket("/a")|}]
                public static Task operator +(Money a, WebSocket ws) => Task.CompletedTask;

                [{|VLT0024:WebSocket("/b")|}]
                public static implicit operator Task(Money m) => Task.CompletedTask;

                [{|VLT0024:WebSocket("/c")|}]
                ~Money() { }
            }
            """);
    }

    [Fact]
    public async Task ExplicitInterfaceImplementationAbstractAndStaticVirtualMethods_ReportVLT0024()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public interface IHandler
            {
                static abstract Task Handle(WebSocket ws);

                [{|VLT0024:WebSocket("/c")|}]
                static virtual Task Virtual(WebSocket ws) => Task.CompletedTask;
            }

            public sealed class Handler : IHandler
            {
                [{|VLT0024:WebSocket("/a")|}]
                static Task IHandler.Handle(WebSocket ws) => Task.CompletedTask;
            }

            public abstract class Base
            {
                [{|VLT0024:WebSocket("/b")|}]
                public abstract Task Handle(WebSocket ws);
            }
            """);
    }

    [Fact]
    public async Task ShapesWithTheirOwnRule_AreReportedByTheGeneratorToo()
    {
        // Instance and generic methods, private, generic and abstract classes, a record: each has its own rule,
        // and the generator reports it as the analyzer does (VerifyAsync compares the two).
        await DiagnosticMarkup.VerifyAsync("""
            public class Handlers
            {
                [WebSocket("/a")]
                public Task {|VLT0007:Instance|}(WebSocket ws) => Task.CompletedTask;

                [WebSocket("/b")]
                public static Task {|VLT0009:Generic|}<T>(WebSocket ws) => Task.CompletedTask;

                [WebSocket("/c")]
                private sealed class {|VLT0008:Hidden|} : WebSocketEndpoint { }
            }

            public static class Outer<T>
            {
                [WebSocket("/d")]
                public static Task {|VLT0009:InGeneric|}(WebSocket ws) => Task.CompletedTask;
            }

            [WebSocket("/e")]
            public abstract class {|VLT0014:AbstractEndpoint|} : WebSocketEndpoint { }

            [WebSocket("/f")]
            public sealed record {|VLT0013:RecordEndpoint|}(int Id);
            """);
    }

    [Fact]
    public async Task FileLocalTypes_ReportVLT0008()
    {
        // A file-local type is internal to Roslyn (DeclaredAccessibility), but no other file can name it, so the
        // generated route table could not call it (CS0400 in the generated code).
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            file static class Handlers
            {
                [WebSocket("/a")]
                public static Task {|VLT0008:Handle|}(WebSocket ws) => Task.CompletedTask;

                public static class Nested
                {
                    [WebSocket("/b")]
                    public static Task {|VLT0008:Handle|}(WebSocket ws) => Task.CompletedTask;
                }
            }

            [WebSocket("/c")]
            file sealed class {|VLT0008:FileEndpoint|} : WebSocketEndpoint { }
            """);
        Assert.Equal(
            "The WebSocket handler 'Handlers.Handle' must be public or internal, in types that are public or internal, so the generated route table can call it; a file-local type cannot be named outside its file",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task StaticMethodsOfEveryTypeKind_ReportNothing()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public interface IRoutes
            {
                [WebSocket("/interface")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }

            public struct StructRoutes
            {
                [WebSocket("/struct")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }

            public record RecordRoutes
            {
                [WebSocket("/record")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """);
    }
}
