#!/usr/bin/env bash
# publish.sh: thin wrapper over publish.ps1 (run 'publish.sh --help'). Works with no daemon.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
exec "$here/run-pwsh.sh" "$here/publish.ps1" "$@"
