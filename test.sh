#!/usr/bin/env bash
# Runs every NdisMock test. On a fresh machine it first installs what the tests need beyond the .NET SDK:
# Debian's chromium (the Swagger UI and live page tests drive it with Playwright), Debian's redis-server (the tests of real
# processes start their own, Api.Tests/RealProcesses) and the Node tools: the JavaScript SignalR client,
# Redocly CLI, the AsyncAPI parser and Mermaid (npm ci in Api.Tests/js). Then the solution's tests, then the samples against the freshly packed NdisMock.Testing.
# Extra arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the Swagger UI test..."
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if ! command -v redis-server >/dev/null 2>&1; then
    echo "Installing Debian's redis-server for the tests of real processes..."
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

# npm ci again whenever the lock file changed since the last install (npm keeps its copy in node_modules), so a package added
# to package.json (mermaid, jsdom) reaches a checkout that already had node_modules.
if [ ! -f Api.Tests/js/node_modules/.package-lock.json ] || [ Api.Tests/js/package-lock.json -nt Api.Tests/js/node_modules/.package-lock.json ] \
    || [ ! -d Api.Tests/js/node_modules/@microsoft/signalr ] || [ ! -d Api.Tests/js/node_modules/mermaid ]; then
    echo "Installing the Node tools of the tests (the SignalR JavaScript client, Redocly CLI, the AsyncAPI parser, Mermaid)..."
    (cd Api.Tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi

dotnet test NdisMock.sln "$@"

# The samples consume NdisMock.Testing as a user would: from the packed package in a local feed, not a project
# reference. Each run packs a fresh version, so the samples never restore a stale copy from the NuGet cache.
version_suffix="dev.$(date -u +%Y%m%d%H%M%S)"
rm -rf artifacts/packages
dotnet pack Testing -c Release -o artifacts/packages -p:VersionSuffix="$version_suffix" --nologo -v quiet
# --force-evaluate: a restore that finds its last answer up to date would keep the previous version of the floating 0.1.0-*.
dotnet restore samples/NdisMock.Samples.Tests --force-evaluate -v quiet
dotnet test samples/NdisMock.Samples.Tests --no-restore "$@"
