// WireMock.Net with one static stub, the way a team would mock an endpoint: POST /stub answers a fixed JSON body.
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
using var server = WireMockServer.Start(port);
server.Given(Request.Create().WithPath("/stub").UsingPost())
    .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
        .WithBody("""{"status":"NDIS_STATUS_SUCCESS","statusCode":"0x00000000"}"""));
Console.WriteLine($"WireMock.Net listening on {port}");
await Task.Delay(Timeout.Infinite);
