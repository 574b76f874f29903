using System.ComponentModel.DataAnnotations;
using NdisMock.Domain;

namespace NdisMock.Api.Contracts;

/// <summary>Validates an NDIS status given by name or eight-digit hex code from the catalogue.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class NdisStatusAttribute : ValidationAttribute
{
    public NdisStatusAttribute()
        : base("{0} must be an NDIS status name (NDIS_STATUS_FAILURE) or its eight-digit hex code (0xC0000001).")
    {
    }

    public override bool IsValid(object? value) => value is null || (value is string text && NdisStatuses.TryParse(text, out _));
}

internal static class StatusText
{
    /// <summary>The parsed status; the validation filter has already rejected anything else.</summary>
    public static NdisStatus ToStatus(this string text) =>
        NdisStatuses.TryParse(text, out var status) ? status : throw new ArgumentException($"'{text}' is not an NDIS status.", nameof(text));

    public static NdisStatus ToStatusOr(this string? text, NdisStatus fallback) => text is null ? fallback : text.ToStatus();
}
