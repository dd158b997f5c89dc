@{
    Synopsis    = 'Connects to the daemon (or checks the session''s connection) and shows who you are to it.'
    Description = 'Every StellaOps cmdlet connects on first use and keeps the connection for the session; this cmdlet does it explicitly and returns the handshake: protocol and daemon version, the endpoint and the caller identity with its role (Operator may change things, Reader may only look). Use it at the top of a runbook script to fail early when the daemon is down or you lack access.'
    Parameters  = @{}
    Examples    = @(
        @{ Code = '(Connect-StellaDaemon).Caller.Role'; Remarks = 'Operator or Reader: whether this session may change settings.' }
        @{ Code = 'Connect-StellaDaemon -Endpoint /run/stellaops/opsd.sock'; Remarks = 'Connects to the system daemon explicitly.' }
    )
}
