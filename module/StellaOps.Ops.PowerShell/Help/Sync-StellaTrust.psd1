@{
    Synopsis    = 'Refreshes the TUF metadata now and applies the Sigstore trust material it delivers.'
    Description = 'Runs the TUF client workflow (root rotations, timestamp, snapshot, targets) against the configured repository, then the verified trusted_root.json and signing_config.v0.2.json targets become the daemon''s trust material: endpoint changes and log key rotations take effect with no reconfiguration. The result lists each role''s version before and after and what changed in the trust material. While it runs, Write-Progress shows each step as the daemon starts it: the root chain, timestamp, snapshot, targets, then each trust target file; the record is completed at the end. When the repository gives no fresh metadata, the last good metadata keeps serving until it expires (the sync fails with TrustRepositoryUnavailable); past expiry it is refused (TrustMetadataStale) unless -AllowStale, and then only while its age since the last good refresh is within -MaxAge; status and doctor then say STALE. An accepted -AllowStale is a grant kept in the setting trust.stale_max_age: it survives a daemon restart, later syncs and the refresh timer keep using it, and the next good refresh (or a snapshot import) ends it; a sync refused because the metadata is older than -MaxAge ends it too. Operators only; audited.'
    Parameters  = @{
        Force      = 'Fetch the trust targets again even when cached copies match their trusted hashes.'
        AllowStale = 'When the repository gives no fresh metadata, keep serving the expired last good metadata (needs -MaxAge). Use with caution.'
        MaxAge     = 'With -AllowStale: the oldest the last good metadata may be, as a duration (7d, 36h).'
    }
    Examples    = @(
        @{ Code = 'stella trust sync --force'; Remarks = 'After a repository change (an endpoint swap, a key rotation).' }
        @{ Code = 'stella trust sync --allow-stale --max-age 7d'; Remarks = 'Repository unreachable and metadata expired: keep the last good metadata for at most 7 days since its last refresh.' }
    )
}
