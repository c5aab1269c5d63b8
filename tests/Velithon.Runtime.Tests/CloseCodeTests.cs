namespace Velithon.Runtime.Tests;

public sealed class CloseCodeTests
{
    [Theory]
    [InlineData(WebSocketCloseCode.NormalClosure, true)]
    [InlineData(WebSocketCloseCode.GoingAway, true)]
    [InlineData(WebSocketCloseCode.NoStatusReceived, true)]
    [InlineData(WebSocketCloseCode.ProtocolError, false)]
    [InlineData(WebSocketCloseCode.AbnormalClosure, false)]
    [InlineData(WebSocketCloseCode.InternalError, false)]
    [InlineData(WebSocketCloseCode.SessionGone, false)]
    [InlineData(4000, false)]
    public void A_normal_closure_is_1000_1001_or_no_status(int code, bool normal) =>
        Assert.Equal(normal, WebSocketCloseCode.IsNormalClosure(code));
}
