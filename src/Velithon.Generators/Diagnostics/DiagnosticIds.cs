namespace Velithon.Generators.Diagnostics;

/// <summary>The stable IDs of Velithon's diagnostics. Never renumber: users suppress them by ID.</summary>
internal static class DiagnosticIds
{
    public const string InvalidRouteTemplate = "VLT0001";
    public const string DuplicateRoute = "VLT0002";
    public const string RouteParameterWithoutMethodParameter = "VLT0003";
    public const string ParameterBindsFromNothing = "VLT0004";
    public const string ParameterTypeNotBindable = "VLT0005";
    public const string RouteConverterTypeMismatch = "VLT0006";
    public const string HandlerMustBeStatic = "VLT0007";
    public const string HandlerNotAccessible = "VLT0008";
    public const string HandlerMustNotBeGeneric = "VLT0009";
    public const string HandlerMustReturnTask = "VLT0010";
    public const string HandlerMissingWebSocketParameter = "VLT0011";
    public const string UnsupportedParameter = "VLT0012";
    public const string EndpointMustDeriveFromWebSocketEndpoint = "VLT0013";
    public const string EndpointClassNotInstantiable = "VLT0014";
    public const string EndpointConstructorNotUsable = "VLT0015";
    public const string LifecycleMethodNotOverride = "VLT0016";
    public const string DuplicateMessageType = "VLT0017";
    public const string MessageTypeWithoutJsonMetadata = "VLT0018";
    public const string JsonMessagesContextMissing = "VLT0019";
    public const string InvalidMessageHandler = "VLT0020";
    public const string ConflictingTextReceivers = "VLT0021";
    public const string PathParameterNotInTemplate = "VLT0022";
    public const string RouteParameterNameMismatch = "VLT0023";
    public const string UnsupportedHandlerDeclaration = "VLT0024";
    public const string RoutesNeverMapped = "VLT0025";
    public const string MapVelithonMapsNothing = "VLT0026";
    public const string DuplicateRouteAcrossAssemblies = "VLT0027";
    public const string EndpointMetadataNotRecreated = "VLT0028";
    public const string AttributeNotRecreated = "VLT0029";
    public const string InvalidPolicyValue = "VLT0030";
    public const string PolicyWeakenedWithoutReason = "VLT0031";
    public const string ForbiddenCloseCode = "VLT0032";
    public const string CloseReasonTooLong = "VLT0033";
    public const string UseAfterClose = "VLT0034";
    public const string ReceiveLoopWithoutDisconnect = "VLT0035";
    public const string BlockingWaitInHandler = "VLT0036";
    public const string JsonWithoutTypeInfoInTrimmedApp = "VLT0037";
    public const string HandshakeNeitherAcceptedNorClosed = "VLT0038";
    public const string InvalidContractDeclaration = "VLT0039";
    public const string InvalidMessageSet = "VLT0040";
    public const string InvalidContractCase = "VLT0041";
    public const string DuplicateContractTag = "VLT0042";
    public const string ReservedContractTag = "VLT0043";
    public const string MissingContractHandler = "VLT0044";
    public const string HandlerCaseNotInContract = "VLT0045";
    public const string ContractHandlerReturnMismatch = "VLT0046";
    public const string MixedContractRoute = "VLT0047";
    public const string ConflictingRequestReplies = "VLT0048";
    public const string ValidationAttributeNotRecreated = "VLT0049";
    public const string InvalidContractHandler = "VLT0050";
    public const string AsyncApiBreakingChange = "VLT0060";
    public const string InvalidApprovedAsyncApi = "VLT0061";
}
