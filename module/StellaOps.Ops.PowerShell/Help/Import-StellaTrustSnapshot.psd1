@{
    Synopsis    = 'Verifies a trust snapshot bundle as a refresh would and applies it, with the daemon or into a metadata directory with no daemon.'
    Description = 'Checks the bundle against its manifest (every file listed, lengths and hashes equal, safe names, size caps), then runs the TUF client over the bundle''s files from the trusted root the client already has: signatures, thresholds, versions, hashes and expiry are checked exactly as for a refresh, so a bundle can never supply the starting root. A bundle that carries a newer root (a rotation) is refused without -Force; with -Force the rotation chain is verified like any refresh. With -MetadataDirectory the module imports with no daemon, and the result says what changed in the trust material (MaterialChanges: logs, authorities, endpoints and their windows added or removed), between what that client''s cache verified before and after, as a daemon''s import does. This is what bootstrap-trust-offline.sh calls. Into a daemon: operators only, audited as an intent: a ''started'' record (what is about to change, the bundle''s versions) before the TUF cache changes and the outcome after (succeeded with what changed, nothing changed, or failed with the error id); a daemon stopped in between completes it at start as ''interrupted: applied'' or ''not applied''.'
    Parameters  = @{
        Path              = 'The .tar.zst bundle written by Export-StellaTrustSnapshot.'
        Force             = 'Allow a root rotation carried by the bundle (still verified). Never bypasses -WhatIf.'
        MetadataDirectory = 'Import with no daemon into this TUF metadata directory; it must hold a trusted root.json.'
        TargetDirectory   = 'With -MetadataDirectory: where the verified targets go (default: targets beside the metadata directory).'
    }
    Examples    = @(
        @{ Code = 'Import-StellaTrustSnapshot -Path ./trust.tar.zst'; Remarks = 'Into the daemon, on an air-gapped host.' }
        @{ Code = 'Import-StellaTrustSnapshot -Path ./post-rotation-bundle.tar.zst -Force'; Remarks = 'A bundle that rotates the root.' }
    )
}
