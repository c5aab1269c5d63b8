using Xunit;

namespace Velithon.Benchmarks.Tests;

public sealed class EndTallyTests
{
    private const long Origin = 1_000_000;

    [Fact]
    public void Of_EndsAroundTheFillAndThePing_CountedByPhaseKindAndDetail()
    {
        var tally = EndTally.Of(
            [
                new(ConnectionEndKind.Reset, "ConnectionReset", Origin + 5_000, false),
                new(ConnectionEndKind.Reset, "ConnectionReset", Origin + 9_000, false),
                new(ConnectionEndKind.EndOfStream, "", Origin + 20_000, false),
                new(ConnectionEndKind.Close, "1001 Idle timeout", Origin + 31_000, false),
                new(ConnectionEndKind.EndOfStream, "", Origin + 32_000, true),
            ],
            filledAt: Origin + 10_000,
            pingAt: Origin + 30_000);

        Assert.Equal(5, tally.Count);
        Assert.Equal(1, tally.AfterPong);
        Assert.Equal(
            "after-pong/EndOfStream/=1,1032000,1032000 fill/Reset/ConnectionReset=2,1005000,1009000 hold/EndOfStream/=1,1020000,1020000 ping/Close/1001%20Idle%20timeout=1,1031000,1031000",
            tally.ToString());
        Assert.Equal(
            "fill: 2 reset (ConnectionReset) at 5-9 s; hold: 1 end of stream without a close frame at 20 s; ping: 1 close 1001 \"Idle timeout\" at 31 s; after-pong: 1 end of stream without a close frame at 32 s",
            tally.Describe(Origin));
    }

    [Fact]
    public void Parse_WhatToStringWrote_AddsUpAcrossProcesses()
    {
        var first = EndTally.Of([new(ConnectionEndKind.Close, "1011 Internal", Origin + 1_000, false)], Origin + 500, Origin + 800);
        var second = EndTally.Of([new(ConnectionEndKind.Close, "1011 Internal", Origin + 3_000, false), new(ConnectionEndKind.Failure, "IOException", Origin + 4_000, true)], Origin + 500, Origin + 800);

        var sum = EndTally.Parse(first.ToString());
        sum.Add(EndTally.Parse(second.ToString()));

        Assert.Equal(3, sum.Count);
        Assert.Equal(1, sum.AfterPong);
        Assert.Equal("ping: 2 close 1011 \"Internal\" at 1-3 s; after-pong: 1 failure (IOException) at 4 s", sum.Describe(Origin));
    }

    [Fact]
    public void Parse_Empty_NoneEnded()
    {
        var tally = EndTally.Parse("");

        Assert.Equal(0, tally.Count);
        Assert.Equal("", tally.ToString());
        Assert.Equal("none", tally.Describe(Origin));
    }

    [Fact]
    public void Parse_TokenWithoutFigures_Throws()
    {
        Assert.Throws<FormatException>(() => EndTally.Parse("ping/Close/1000"));
    }
}
