@{
    Synopsis    = 'Gets events from the daemon''s event log, newest first.'
    Description = 'Queries the daemon''s event store by component, least level, time and text. Returns LogEvent objects (Timestamp, Level, Component, Category, Message, Exception, Caller). Audit events (every change, with its caller) are in the Audit component. Runbook form: stella attest logs [--filter F] [--level error] [--last 30m]; stella crypto hsm logs [--level error] [--last 30m].'
    Parameters  = @{
        Component = 'Only events of this component: Attestor, Hsm, Audit, Daemon, Ipc, Storage, Config, Doctor, Trust, Transparency.'
        Level     = 'The least level returned: Error returns Error and Critical. One of Trace, Debug, Information, Warning, Error, Critical.'
        Last      = 'Only events from this long ago until now, as a duration (30m, 1h, 7d) or a TimeSpan.'
        Since     = 'Only events at or after this time.'
        Filter    = 'A case-insensitive substring of the message or category.'
        First     = 'At most this many events (default 1000; the daemon caps it). Alias: Max.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaLog -Component Attestor -Level Error -Last 30m'; Remarks = 'Signature generation failures: recent attestor errors (stella attest logs --level error --last 30m).' }
        @{ Code = 'Get-StellaLog -Component Attestor -Filter verification -Level Error -Last 30m'; Remarks = 'Verification failures only (stella attest logs --filter "verification" --level error --last 30m).' }
        @{ Code = 'Get-StellaLog -Component Audit -First 20 | Format-Table Timestamp, Caller, Message'; Remarks = 'Who changed what, most recent first.' }
    )
}
