@{
    Synopsis    = 'Shows trust sync: the TUF repository, role versions and expiry, the last refresh, stale state, endpoints and log keys.'
    Description = 'Returns one object: where the Sigstore trust comes from (tuf, file or not configured), the repository URL, each TUF role''s version, expiry and whether it expired, the last good refresh and the metadata''s age, the last attempt and its outcome (success; unavailable, the repository could not be reached; stale; invalid, it served what a client must refuse; write-failed, this machine''s trust cache could not be written), whether stale metadata is served (-AllowStale) and warnings. Endpoints are the signing config''s services (tlog, tsa, ca, oidc) with Selected marking those the spec''s selection uses now; LogKeys are the trusted root''s transparency and CT log keys with SHA-256 fingerprints and windows. Backends and Circuits are filled by the transparency-log client. The -Show switches add those sections to the default view; the object always carries them. Readers may read.'
    Parameters  = @{
        ShowEndpoints      = 'Show the signing config''s endpoints and which are in use.'
        ShowKeys           = 'Show the log keys with fingerprints and validity windows.'
        ShowBackends       = 'Show the transparency-log backends (filled by the transparency-log client).'
        ShowCircuitBreaker = 'Show the transparency-log circuit breakers (filled by the transparency-log client).'
    }
    Examples    = @(
        @{ Code = 'stella trust status --show-endpoints'; Remarks = 'Which log, TSA and CA URLs the daemon uses now.' }
        @{ Code = '(Get-StellaTrustStatus).LogKeys | Format-Table BaseUrl, Fingerprint, ValidFrom, ValidUntil'; Remarks = 'The log keys in a table.' }
    )
}
