using System.Globalization;

namespace NdisMock.Api.Contracts;

/// <summary>
/// Paged reads (ListPendingOperations, ListRoutes, GetViolations, GetSandbox's VCs): at most <c>limit</c> items, up to
/// <see cref="MaxLimit"/>, and the cursor to continue after. An answer that fits in one page is the list as it always
/// was; a longer one is read in issue order (the counter of the handle), so the cursor stays valid while objects come
/// and go.
/// </summary>
internal static class Paging
{
    public const int MaxLimit = 1000;

    /// <summary>GetSandbox's page of VCs unless asked for more: each VC carries its call and parties, so a page of 1,000 is large.</summary>
    public const int DefaultSnapshotLimit = 100;

    public static (IReadOnlyList<T> Page, string? NextAfter) ByHandle<T>(IReadOnlyList<T> items, Func<T, string> handle, string? after, int limit)
    {
        if (after is null && items.Count <= limit)
        {
            return (items, null);
        }

        var cursor = after is null ? 0 : IssueNumber(after) ?? 0;
        var ordered = items.Select(i => (Item: i, Number: IssueNumber(handle(i)) ?? 0)).Where(i => i.Number > cursor).OrderBy(i => i.Number).ToList();
        var page = ordered.Take(limit).Select(i => i.Item).ToList();
        return (page, ordered.Count > limit ? handle(page[^1]) : null);
    }

    /// <summary>The counter at the end of a handle (<c>vc-k3x9m2pq-12</c> → 12), or null when it has none.</summary>
    public static long? IssueNumber(string handle) =>
        long.TryParse(handle.AsSpan(handle.LastIndexOf('-') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>A validation problem for a cursor that is not a handle, or null when it is one (or absent).</summary>
    public static Dictionary<string, string[]>? CursorProblem(string? after) =>
        after is null || IssueNumber(after) is not null ? null
            : new Dictionary<string, string[]> { ["after"] = [$"'{after}' is not a cursor: pass the nextAfter of the previous page, a handle such as vc-k3x9m2pq-12."] };
}
