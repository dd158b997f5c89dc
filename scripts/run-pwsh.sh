#!/usr/bin/env bash
# Runs one of the repository-admin .ps1 scripts with an installed pwsh, or the project's `dotnet pwsh` tool.
# The caller's directory is kept (STELLA_CALLER_PWD): the scripts resolve --repo and files against it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
script="$1"; shift
export STELLA_CALLER_PWD="${STELLA_CALLER_PWD:-$PWD}"
if command -v pwsh >/dev/null 2>&1; then
    exec pwsh -NoLogo -NoProfile -NonInteractive -File "$script" "$@"
elif command -v dotnet >/dev/null 2>&1; then
    cd "$here/.."
    exec dotnet pwsh -NoLogo -NoProfile -NonInteractive -File "$script" "$@"
else
    echo "error: neither pwsh nor dotnet is installed. Install PowerShell 7 (https://aka.ms/powershell) or the .NET SDK and run 'dotnet tool restore' in $here/.." >&2
    exit 127
fi
