using NdisMock.Client;
using NdisMock.Domain;

namespace NdisMock.Testing;

/// <summary>The NDIS statuses by name, with the real values of ndis.h (the same catalogue NdisMock itself uses).</summary>
public static class NdisStatusCodes
{
    /// <summary>The status's 32-bit value, e.g. 0xC0000001 for NDIS_STATUS_FAILURE.</summary>
    public static uint Code(this NdisStatusName status) => Find(status).Code;

    /// <summary>The value as answers write it, e.g. "0xC0000001".</summary>
    public static string Hex(this NdisStatusName status) => Find(status).Hex;

    /// <summary>The status a value names, when the catalogue has it.</summary>
    public static NdisStatusName? FromCode(uint code) =>
        NdisStatuses.TryFromCode(code, out var found) && EnumNames<NdisStatusName>.TryParse(found.Name, out var status) ? status : null;

    private static Domain.NdisStatus Find(NdisStatusName status) =>
        NdisStatuses.TryParse(status.ToString(), out var found) ? found : throw new ArgumentOutOfRangeException(nameof(status), status, "Not in the catalogue.");
}
