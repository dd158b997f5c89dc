@{
    Synopsis    = 'Points the daemon''s TUF client at a repository: a first init with its root, or a move to a mirror keeping the trusted root.'
    Description = 'A first init needs the repository''s root.json, given as a file (-Root, obtained out of band) or pinned by its SHA-256 (-RootSha256: the repository''s own root.json must match; no trust on first use). A first sync follows; when the repository cannot be reached (an air-gapped host) the init is kept with a warning and a snapshot import brings the rest. An initialised client is refused without -Force; with -Force it moves to another repository or mirror and keeps the root it trusts: the new repository''s metadata must verify against it, or nothing changes. While the refresh runs, Write-Progress shows each step as the daemon starts it, as Sync-StellaTrust does (activity ''Trust sync''): the root chain, timestamp, snapshot, targets, then each trust target file; the record is completed at the end. The runbook lines are "stella trust init --tuf-url URL [--force]". Operators only. Audited as an intent: before the TUF cache changes, the audit log (Get-StellaLog -Component Audit) gets a ''started'' record saying what is about to change; after, one with the outcome: succeeded with what changed, succeeded with nothing changed, or failed with the error id. A daemon stopped in between completes the record at its next start, as ''interrupted: applied'' or ''interrupted: not applied'', from what the cache holds. A cache the daemon cannot write (read-only, full, immutable) fails with TrustCacheWriteFailed and keeps what it trusted.'
    Parameters  = @{
        TufUrl     = 'The repository''s metadata URL, e.g. https://tuf-repo-cdn.sigstore.dev/.'
        TargetsUrl = 'The repository''s targets URL; by default TufUrl followed by targets/ (the Sigstore layout).'
        Root       = 'The repository''s root.json (a file), for a first init.'
        RootSha256 = 'The SHA-256 (64 hex digits) of the root.json to trust, for a first init; with -Root the file must have this hash.'
        Force      = 'Move an initialised client to another repository or mirror (it keeps its trusted root). Never bypasses -WhatIf.'
    }
    Examples    = @(
        @{ Code = 'Initialize-StellaTrust -TufUrl https://tuf-repo-cdn.sigstore.dev/ -Root ./root.json'; Remarks = 'A first init with the root handed over out of band.' }
        @{ Code = 'stella trust init --tuf-url https://trust-mirror.example.com/tuf/ --force'; Remarks = 'Moves to a mirror; its metadata must verify against the trusted root.' }
    )
}
