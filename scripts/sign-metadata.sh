#!/usr/bin/env bash
# sign-metadata.sh: thin wrapper over sign-metadata.ps1 (run 'sign-metadata.sh --help'). Works with no daemon.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
exec "$here/run-pwsh.sh" "$here/sign-metadata.ps1" "$@"
