#!/usr/bin/env bash
# Runs every NdisMock test. On a fresh machine it first installs what the tests need beyond the .NET SDK:
# Debian's chromium (the Swagger UI test drives it with Playwright) and the Node tools: the JavaScript SignalR client, Redocly CLI
# and the AsyncAPI parser (npm ci in Api.Tests/js). Extra arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the Swagger UI test..."
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if [ ! -d Api.Tests/js/node_modules/@microsoft/signalr ] || [ ! -d Api.Tests/js/node_modules/@redocly/cli ] \
    || [ ! -d Api.Tests/js/node_modules/@asyncapi/parser ]; then
    echo "Installing the Node tools of the tests (the SignalR JavaScript client, Redocly CLI, the AsyncAPI parser)..."
    (cd Api.Tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi

exec dotnet test NdisMock.sln "$@"
