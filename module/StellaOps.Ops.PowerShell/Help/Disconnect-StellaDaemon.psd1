@{
    Synopsis    = 'Closes the session''s cached connection to the daemon.'
    Description = 'Closes the connection this session keeps to the endpoint (or to every endpoint with -All). The next StellaOps cmdlet connects again.'
    Parameters  = @{
        Endpoint = 'The endpoint whose connection to close; default as for every StellaOps cmdlet.'
        All      = 'Closes the connections to every endpoint.'
    }
    Examples    = @(
        @{ Code = 'Disconnect-StellaDaemon -All'; Remarks = 'Forget every connection, e.g. after the daemon''s group membership changed.' }
    )
}
