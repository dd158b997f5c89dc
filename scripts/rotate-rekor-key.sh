#!/usr/bin/env bash
# rotate-rekor-key.sh: thin wrapper over rotate-rekor-key.ps1 (run 'rotate-rekor-key.sh --help'). Works with no daemon.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
exec "$here/run-pwsh.sh" "$here/rotate-rekor-key.ps1" "$@"
