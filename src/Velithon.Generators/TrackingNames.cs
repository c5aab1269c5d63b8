namespace Velithon.Generators;

/// <summary>Names of the incremental steps, so tests can check what each edit re-runs.</summary>
internal static class TrackingNames
{
    public const string Handlers = nameof(Handlers);
    public const string HandlerNames = nameof(HandlerNames);
    public const string HandlerFiles = nameof(HandlerFiles);
    public const string RouteTable = nameof(RouteTable);
    public const string HandlerDiagnostics = nameof(HandlerDiagnostics);
    public const string ReferencedRouteTables = nameof(ReferencedRouteTables);
    public const string RouteClashes = nameof(RouteClashes);
    public const string Contracts = nameof(Contracts);
    public const string ContractDiagnostics = nameof(ContractDiagnostics);

    public const string UncalledHandlers = nameof(UncalledHandlers);
    public const string ClientRoutes = nameof(ClientRoutes);
    public const string ClientFiles = nameof(ClientFiles);
    public const string ClientMap = nameof(ClientMap);
    public const string RouteDocuments = nameof(RouteDocuments);
    public const string ApprovedDocument = nameof(ApprovedDocument);
    public const string AsyncApiDocument = nameof(AsyncApiDocument);
}
