using System.Globalization;

namespace NdisMock.Domain;

/// <summary>An NDIS_STATUS value: the real 32-bit code from the WDK headers and its name.</summary>
public readonly record struct NdisStatus(uint Code, string Name)
{
    /// <summary>The code as eight hex digits, e.g. <c>0xC0000001</c>.</summary>
    public string Hex => NdisStatuses.HexOf(Code);

    public bool IsSuccess => Code == NdisStatuses.Success.Code;

    public bool IsPending => Code == NdisStatuses.Pending.Code;

    public override string ToString() => Name;
}

/// <summary>
/// The one catalogue of NDIS status codes NdisMock speaks. Values are those of the WDK's
/// ndis.h, resolved through ntstatus.h where ndis.h defines an alias.
/// </summary>
public static class NdisStatuses
{
    public static readonly NdisStatus Success = new(0x00000000, "NDIS_STATUS_SUCCESS");
    public static readonly NdisStatus Pending = new(0x00000103, "NDIS_STATUS_PENDING");
    public static readonly NdisStatus NotRecognized = new(0x00010001, "NDIS_STATUS_NOT_RECOGNIZED");
    public static readonly NdisStatus NotCopied = new(0x00010002, "NDIS_STATUS_NOT_COPIED");
    public static readonly NdisStatus NotAccepted = new(0x00010003, "NDIS_STATUS_NOT_ACCEPTED");
    public static readonly NdisStatus CallActive = new(0x00010007, "NDIS_STATUS_CALL_ACTIVE");
    public static readonly NdisStatus BufferOverflow = new(0x80000005, "NDIS_STATUS_BUFFER_OVERFLOW");
    public static readonly NdisStatus Failure = new(0xC0000001, "NDIS_STATUS_FAILURE");
    public static readonly NdisStatus InvalidParameter = new(0xC000000D, "NDIS_STATUS_INVALID_PARAMETER");
    public static readonly NdisStatus InvalidDeviceRequest = new(0xC0000010, "NDIS_STATUS_INVALID_DEVICE_REQUEST");
    public static readonly NdisStatus Resources = new(0xC000009A, "NDIS_STATUS_RESOURCES");
    public static readonly NdisStatus NotSupported = new(0xC00000BB, "NDIS_STATUS_NOT_SUPPORTED");
    public static readonly NdisStatus InvalidState = new(0xC0000184, "NDIS_STATUS_INVALID_STATE");
    public static readonly NdisStatus NetworkUnreachable = new(0xC000023C, "NDIS_STATUS_NETWORK_UNREACHABLE");
    public static readonly NdisStatus Closing = new(0xC0010002, "NDIS_STATUS_CLOSING");
    public static readonly NdisStatus RequestAborted = new(0xC001000C, "NDIS_STATUS_REQUEST_ABORTED");
    public static readonly NdisStatus ResetInProgress = new(0xC001000D, "NDIS_STATUS_RESET_IN_PROGRESS");
    public static readonly NdisStatus ClosingIndicating = new(0xC001000E, "NDIS_STATUS_CLOSING_INDICATING");
    public static readonly NdisStatus AdapterNotReady = new(0xC0010011, "NDIS_STATUS_ADAPTER_NOT_READY");
    public static readonly NdisStatus InvalidLength = new(0xC0010014, "NDIS_STATUS_INVALID_LENGTH");
    public static readonly NdisStatus InvalidData = new(0xC0010015, "NDIS_STATUS_INVALID_DATA");
    public static readonly NdisStatus BufferTooShort = new(0xC0010016, "NDIS_STATUS_BUFFER_TOO_SHORT");
    public static readonly NdisStatus InvalidOid = new(0xC0010017, "NDIS_STATUS_INVALID_OID");
    public static readonly NdisStatus AdapterRemoved = new(0xC0010018, "NDIS_STATUS_ADAPTER_REMOVED");
    public static readonly NdisStatus NoCable = new(0xC001001F, "NDIS_STATUS_NO_CABLE");
    public static readonly NdisStatus InvalidSap = new(0xC0010020, "NDIS_STATUS_INVALID_SAP");
    public static readonly NdisStatus SapInUse = new(0xC0010021, "NDIS_STATUS_SAP_IN_USE");
    public static readonly NdisStatus InvalidAddress = new(0xC0010022, "NDIS_STATUS_INVALID_ADDRESS");
    public static readonly NdisStatus VcNotActivated = new(0xC0010023, "NDIS_STATUS_VC_NOT_ACTIVATED");
    public static readonly NdisStatus DestOutOfOrder = new(0xC0010024, "NDIS_STATUS_DEST_OUT_OF_ORDER");
    public static readonly NdisStatus VcNotAvailable = new(0xC0010025, "NDIS_STATUS_VC_NOT_AVAILABLE");
    public static readonly NdisStatus CellrateNotAvailable = new(0xC0010026, "NDIS_STATUS_CELLRATE_NOT_AVAILABLE");
    public static readonly NdisStatus IncompatableQos = new(0xC0010027, "NDIS_STATUS_INCOMPATABLE_QOS");
    public static readonly NdisStatus AalParamsUnsupported = new(0xC0010028, "NDIS_STATUS_AAL_PARAMS_UNSUPPORTED");
    public static readonly NdisStatus NoRouteToDestination = new(0xC0010029, "NDIS_STATUS_NO_ROUTE_TO_DESTINATION");
    public static readonly NdisStatus MediaDisconnected = new(0xC023001F, "NDIS_STATUS_MEDIA_DISCONNECTED");
    public static readonly NdisStatus Paused = new(0xC023002A, "NDIS_STATUS_PAUSED");
    public static readonly NdisStatus LowPowerState = new(0xC023002F, "NDIS_STATUS_LOW_POWER_STATE");

    /// <summary>Every status in the catalogue, in code order.</summary>
    public static IReadOnlyList<NdisStatus> All { get; } =
    [
        Success, Pending, NotRecognized, NotCopied, NotAccepted, CallActive, BufferOverflow, Failure,
        InvalidParameter, InvalidDeviceRequest, Resources, NotSupported, InvalidState, NetworkUnreachable,
        Closing, RequestAborted, ResetInProgress, ClosingIndicating, AdapterNotReady, InvalidLength, InvalidData,
        BufferTooShort, InvalidOid, AdapterRemoved, NoCable, InvalidSap, SapInUse, InvalidAddress, VcNotActivated,
        DestOutOfOrder, VcNotAvailable, CellrateNotAvailable, IncompatableQos, AalParamsUnsupported,
        NoRouteToDestination, MediaDisconnected, Paused, LowPowerState,
    ];

    private static readonly Dictionary<string, NdisStatus> ByName =
        All.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<uint, NdisStatus> ByCode = All.ToDictionary(s => s.Code);

    // Every answer carries its status's code in hex (statusCode): the catalogue's codes are formatted once, not per answer.
    private static readonly Dictionary<uint, string> HexByCode = All.ToDictionary(s => s.Code, s => FormatHex(s.Code));

    /// <summary>A code as eight hex digits after <c>0x</c>.</summary>
    internal static string HexOf(uint code) => HexByCode.TryGetValue(code, out var hex) ? hex : FormatHex(code);

    private static string FormatHex(uint code) => string.Create(CultureInfo.InvariantCulture, $"0x{code:X8}");

    /// <summary>
    /// Reads a status given by name (<c>NDIS_STATUS_FAILURE</c>, case-insensitive) or by its eight-digit hex
    /// code (<c>0xC0000001</c>). Only statuses of the catalogue are accepted.
    /// </summary>
    public static bool TryParse(string? text, out NdisStatus status)
    {
        status = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Length == 10 && trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return uint.TryParse(trimmed.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                && ByCode.TryGetValue(code, out status);
        }

        return ByName.TryGetValue(trimmed, out status);
    }

    public static bool TryFromCode(uint code, out NdisStatus status) => ByCode.TryGetValue(code, out status);
}
