@{
    # Parameters every daemon cmdlet shares (from StellaCmdlet). A cmdlet's own file may override a description.
    Parameters = @{
        Endpoint = 'The daemon''s Unix socket (Linux) or named pipe (Windows). Default: $env:STELLAOPS_ENDPOINT, then the installed daemon (/run/stellaops/opsd.sock), then the per-user development socket. The connection is kept for the session and reopened once if the daemon restarted.'
        WhatIf   = 'Shows what would change without changing anything.'
        Confirm  = 'Asks for confirmation before changing anything.'
    }
}
