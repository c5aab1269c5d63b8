using System.Text;
using Velithon.AsyncApi;

namespace Velithon.Runtime.Tests;

/// <summary>The store <c>MapAsyncApi()</c> serves from: encoded when first read, and a later registration replaces an earlier one.</summary>
public sealed class AsyncApiDocumentStoreTests
{
    [Fact]
    public void Document_IsNullUntilRegistered()
    {
        Assert.Null(new AsyncApiDocumentStore().Document);
    }

    [Fact]
    public void Document_IsTheRegisteredJsonAsUtf8_TheSameBytesOnEveryRead()
    {
        var store = new AsyncApiDocumentStore();
        store.Register("{\"title\":\"café\"}");

        var first = store.Document;

        Assert.Equal(Encoding.UTF8.GetBytes("{\"title\":\"café\"}"), first);
        Assert.Same(first, store.Document);
    }

    [Fact]
    public void ALaterRegistration_ReplacesAnEarlierOne_EvenAfterTheEarlierWasServed()
    {
        var store = new AsyncApiDocumentStore();
        store.Register("{\"first\":1}");
        Assert.Equal("{\"first\":1}", Encoding.UTF8.GetString(store.Document!));

        store.Register("{\"second\":2}");

        Assert.Equal("{\"second\":2}", Encoding.UTF8.GetString(store.Document!));
    }

    [Fact]
    public void ALaterRegistration_ReplacesAnEarlierOne_NeverServed()
    {
        var store = new AsyncApiDocumentStore();
        store.Register("{\"first\":1}");
        store.Register("{\"second\":2}");

        Assert.Equal("{\"second\":2}", Encoding.UTF8.GetString(store.Document!));
    }
}
