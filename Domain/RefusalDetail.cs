using System.Runtime.CompilerServices;

namespace NdisMock.Domain;

/// <summary>
/// A refusal's detail written as an interpolated string, formatted only when the check refuses: the checks run on every
/// call, and most calls pass them, so a passing check builds no message.
/// </summary>
[InterpolatedStringHandler]
internal ref struct RefusalDetail
{
    private DefaultInterpolatedStringHandler _text;

    /// <summary>For a check that refuses when <paramref name="condition"/> does not hold.</summary>
    public RefusalDetail(int literalLength, int formattedCount, bool condition, out bool refused)
    {
        refused = !condition;
        _text = refused ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    /// <summary>For a check that refuses when a transition table named a rule.</summary>
    public RefusalDetail(int literalLength, int formattedCount, Rule? refusal, out bool refused)
    {
        refused = refusal is not null;
        _text = refused ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public void AppendFormatted<T>(T value, int alignment) => _text.AppendFormatted(value, alignment);

    public void AppendFormatted<T>(T value, int alignment, string? format) => _text.AppendFormatted(value, alignment, format);

    public void AppendFormatted(string? value) => _text.AppendFormatted(value);

    /// <summary>The formatted detail (only asked for when the check refused).</summary>
    public string ToStringAndClear() => _text.ToStringAndClear();
}
