namespace NdisMock.Domain;

/// <summary>The kinds of opaque handle a sandbox issues.</summary>
internal enum HandleKind
{
    Af,
    Sap,
    Vc,
    Party,
    PendingOperation,
}

/// <summary>
/// Issues opaque handles such as <c>vc-k3x9m2pq-12</c>: a kind, the sandbox's tag and a counter. Handles are never
/// reused, so whether a handle was ever issued here can be told without remembering the dead ones, and a handle of
/// another sandbox (other tag) is recognisably foreign. The tag has 40 random bits, so among a thousand sandboxes two
/// share one with a chance below one in a million; the counter is written one way only (no sign, no leading zero), so
/// <c>vc-…-012</c> is not taken for <c>vc-…-12</c>.
/// </summary>
internal sealed class HandleIssuer(string tag)
{
    private readonly long[] _issued = new long[Enum.GetValues<HandleKind>().Length];

    public string Tag { get; } = tag;

    private static string Prefix(HandleKind kind) => kind switch
    {
        HandleKind.Af => "af",
        HandleKind.Sap => "sap",
        HandleKind.Vc => "vc",
        HandleKind.Party => "party",
        _ => "op",
    };

    public string Next(HandleKind kind) => $"{Prefix(kind)}-{Tag}-{++_issued[(int)kind]}";

    /// <summary>True when <paramref name="handle"/> was issued by this sandbox for <paramref name="kind"/>.</summary>
    public bool WasIssued(HandleKind kind, string handle)
    {
        var prefix = $"{Prefix(kind)}-{Tag}-";
        return handle.StartsWith(prefix, StringComparison.Ordinal)
            && handle.Length > prefix.Length && handle[prefix.Length] != '0'
            && long.TryParse(handle.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= 1 && n <= _issued[(int)kind];
    }

    public static string NewTag()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        Span<char> tag = stackalloc char[8];
        for (var i = 0; i < tag.Length; i++)
        {
            tag[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        }

        return new string(tag);
    }
}
