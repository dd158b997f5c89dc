@{
    Synopsis    = 'Writes the daemon''s verified TUF metadata and trust targets as a .tar.zst bundle for an air-gapped client.'
    Description = 'The bundle is a zstd-compressed tar holding the metadata chain (every root version the daemon trusted, timestamp, snapshot, targets), the trusted_root.json and signing_config.v0.2.json targets, and manifest.json with each file''s length and SHA-256. The importing client verifies it exactly as a refresh would, from the root it already trusts (Import-StellaTrustSnapshot, bootstrap-trust-offline.sh). The file is written beside its name and renamed into place. Operators only.'
    Parameters  = @{
        Path        = 'The bundle to write (.tar.zst). The runbook''s --out.'
        IncludeRoot = 'Also put the current root.json in the bundle, to hand to a new client out of band.'
    }
    Examples    = @(
        @{ Code = 'stella trust snapshot export --include-root --out post-rotation-bundle.tar.zst'; Remarks = 'A bundle after a root rotation, for air-gapped hosts.' }
    )
}
