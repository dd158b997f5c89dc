#!/usr/bin/env bash
# bootstrap-trust-offline.sh: thin wrapper over bootstrap-trust-offline.ps1 (run 'bootstrap-trust-offline.sh --help'). Works with no daemon.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
exec "$here/run-pwsh.sh" "$here/bootstrap-trust-offline.ps1" "$@"
