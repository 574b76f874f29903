namespace NdisMock.Api;

internal static class Endpoints
{
    /// <summary>Names an NDIS operation after its function and documents what it can answer.</summary>
    public static RouteHandlerBuilder Ndis(this RouteHandlerBuilder route, string function, string summary, string description) =>
        route.WithName(function)
            .WithSummary(summary)
            .WithDescription(description)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone);
}
