# syntax=docker/dockerfile:1
# NdisMock: build with the SDK, run on the ASP.NET Core runtime as a non-root user.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so the layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Domain/Domain.csproj Domain/
COPY Hubs/Hubs.csproj Hubs/
COPY Api/Api.csproj Api/
RUN dotnet restore Api/Api.csproj

COPY Domain/ Domain/
COPY Hubs/ Hubs/
COPY Api/ Api/
RUN dotnet publish Api/Api.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# An 8 MiB gen0 budget for the workstation GC (Api/Api.csproj): its pauses stay short while the heap grows. The runtime
# reads this knob from the environment only.
ENV Urls=http://+:8080 \
    NDISMOCK_HEALTH_URL=http://localhost:8080/health/ready \
    DOTNET_GCgen0size=0x800000
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 CMD ["dotnet", "NdisMock.Api.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "NdisMock.Api.dll"]
