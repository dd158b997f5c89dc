#!/usr/bin/env bash
# disaster-swap-endpoint.sh: thin wrapper over disaster-swap-endpoint.ps1 (run 'disaster-swap-endpoint.sh --help'). Works with no daemon.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
exec "$here/run-pwsh.sh" "$here/disaster-swap-endpoint.ps1" "$@"
