#!/usr/bin/env bash
# rotate-signing-key.sh: thin wrapper over rotate-signing-key.ps1 (run 'rotate-signing-key.sh --help'). Works with no daemon.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
exec "$here/run-pwsh.sh" "$here/rotate-signing-key.ps1" "$@"
