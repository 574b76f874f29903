namespace NdisMock.Domain;

/// <summary>CO_ADDRESS_FAMILY.AddressFamily values NdisMock's MCM registers (ndis.h).</summary>
public enum AddressFamilyType : uint
{
    /// <summary>CO_ADDRESS_FAMILY_Q2931: ATM UNI signalling.</summary>
    Q2931 = 0x1,

    /// <summary>CO_ADDRESS_FAMILY_TAPI: CoNDIS WAN, used by ISDN miniports.</summary>
    Tapi = 0x800,
}

/// <summary>CO_ADDRESS_FAMILY: the signalling protocol and its version.</summary>
public sealed record CoAddressFamily(AddressFamilyType AddressFamily, uint MajorVersion, uint MinorVersion)
{
    public static readonly CoAddressFamily Q2931 = new(AddressFamilyType.Q2931, 3, 1);
    public static readonly CoAddressFamily Tapi = new(AddressFamilyType.Tapi, 3, 0);
}

/// <summary>CO_SAP.SapType: SAP_TYPE_NSAP and SAP_TYPE_E164 (atm.h) for ATM, AF_TAPI_SAP_TYPE (ndistapi.h) for TAPI.</summary>
public enum SapType : uint
{
    Nsap = 1,
    E164 = 2,
    Tapi = 0x8000,
}

/// <summary>CO_SAP: the SAP type and its medium-specific body, given as text (an ATM address, a TAPI line).</summary>
public sealed record Sap(SapType SapType, string Value);
