# The repository-admin scripts of the disaster-recovery guide (004), their lines verbatim, with no daemon:
# the ceremony, endpoint swap and swap back, Rekor key add and emergency removal, signing key retire and generate,
# sign and publish; --help for each; failures exit non-zero and say what to do. The published repository is read
# back with the module's own TUF client library after each publish.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:Scripts = Join-Path $PSScriptRoot '../../scripts' | Resolve-Path | ForEach-Object ProviderPath
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ("tuf-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 10))
    $script:Tuf = Join-Path $script:Work 'tuf'
    New-Item -ItemType Directory -Force $script:Tuf | Out-Null
    $env:STELLAOPS_MODULE = $script:ModulePath
    $env:STELLA_TUF_ROOT_PASSWORD = 'pester-root-password'
    $env:STELLA_TUF_ONLINE_PASSWORD = 'pester-online-password'

    # Runs a guide line in bash: the guide's ./devops/scripts/ is this project's scripts/ (a link in the work dir).
    function Invoke-GuideLine([string] $Line, [string] $In = $script:Tuf) {
        $out = & bash -c "cd '$In' && $Line" 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | Out-String) }
    }
    New-Item -ItemType Directory -Force (Join-Path $script:Tuf 'devops') | Out-Null
    New-Item -ItemType SymbolicLink -Path (Join-Path $script:Tuf 'devops/scripts') -Target $script:Scripts | Out-Null
    $env:PATH = "$($script:Scripts)$([IO.Path]::PathSeparator)$env:PATH"

    function Get-PublishedTarget([string] $Name) {
        $meta = Get-Content -Raw (Join-Path $script:Tuf 'publish/metadata/targets.json') | ConvertFrom-Json
        $hash = $meta.signed.targets.$Name.hashes.sha256
        Get-Content -Raw (Join-Path $script:Tuf "publish/targets/$hash.$Name") | ConvertFrom-Json
    }
}
AfterAll {
    Remove-Item Env:STELLA_TUF_ROOT_PASSWORD, Env:STELLA_TUF_ONLINE_PASSWORD, Env:STELLAOPS_MODULE -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'every script has --help' {
    It '<Name> --help prints its usage and exits 0' -ForEach @(
        @{ Name = 'tuf-ceremony' }, @{ Name = 'sign-metadata.sh' }, @{ Name = 'publish.sh' }, @{ Name = 'disaster-swap-endpoint.sh' },
        @{ Name = 'rotate-rekor-key.sh' }, @{ Name = 'rotate-signing-key.sh' }, @{ Name = 'bootstrap-trust-offline.sh' }) {
        $r = Invoke-GuideLine "$Name --help"
        $r.ExitCode | Should -Be 0
        $r.Text | Should -Match "usage: $([regex]::Escape($Name))"
    }

    It 'the Windows twin <Twin> --help prints the same usage and exits 0' -ForEach @(
        @{ Twin = 'tuf-ceremony.ps1'; Name = 'tuf-ceremony' }, @{ Twin = 'sign-metadata.ps1'; Name = 'sign-metadata.sh' }, @{ Twin = 'publish.ps1'; Name = 'publish.sh' },
        @{ Twin = 'disaster-swap-endpoint.ps1'; Name = 'disaster-swap-endpoint.sh' }, @{ Twin = 'rotate-rekor-key.ps1'; Name = 'rotate-rekor-key.sh' },
        @{ Twin = 'rotate-signing-key.ps1'; Name = 'rotate-signing-key.sh' }, @{ Twin = 'bootstrap-trust-offline.ps1'; Name = 'bootstrap-trust-offline.sh' }) {
        $text = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $script:Scripts $Twin) --help 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $text
        $text | Should -Match "usage: $([regex]::Escape($Name))"
    }
}

Describe 'the guide''s repository lines, in order' {
    It 'tuf-ceremony init --threshold 3 --keys 5 --algorithm ed25519' {
        $r = Invoke-GuideLine 'tuf-ceremony init --threshold 3 --keys 5 --algorithm ed25519'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $root = Get-Content -Raw (Join-Path $script:Tuf 'metadata/1.root.json') | ConvertFrom-Json
        $root.signed.roles.root.threshold | Should -Be 3
        $root.signed.roles.root.keyids.Count | Should -Be 5
        $root.signed.consistent_snapshot | Should -BeTrue
        @(Get-ChildItem (Join-Path $script:Tuf 'ceremonies')).Count | Should -Be 1
        Test-Path (Join-Path $script:Tuf 'scripts/sign-metadata.sh') | Should -BeTrue
        (Get-Content -Raw (Join-Path $script:Tuf 'keys/root/holder-1.root1.p8')) | Should -Match 'BEGIN ENCRYPTED PRIVATE KEY'
    }
    It 'cd /path/to/tuf; ./scripts/sign-metadata.sh; ./scripts/publish.sh' {
        (Invoke-GuideLine './scripts/sign-metadata.sh').ExitCode | Should -Be 0
        $r = Invoke-GuideLine './scripts/publish.sh'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        Test-Path (Join-Path $script:Tuf 'publish/metadata/timestamp.json') | Should -BeTrue
    }
    It 'Get-StellaTufRepository shows each role with versions, thresholds and signers' {
        $s = Get-StellaTufRepository -Repo $script:Tuf
        $s.Roles.Role | Should -Contain 'timestamp'
        ($s.Roles | Where-Object Role -eq 'root').Threshold | Should -Be 3
        ($s.Roles | Where-Object Role -eq 'root').SignedBy.Count | Should -Be 5
        ($s | Out-String) | Should -Match 'root'
    }
    It './devops/scripts/disaster-swap-endpoint.sh --repo /path/to/tuf --new-rekor-url https://rekor-mirror.internal:8080 --note "Emergency: Production Rekor outage $(date -u)"' {
        $r = Invoke-GuideLine "./devops/scripts/disaster-swap-endpoint.sh --repo '$($script:Tuf)' --new-rekor-url https://rekor-mirror.internal:8080 --note `"Emergency: Production Rekor outage `$(date -u)`""
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Invoke-GuideLine './scripts/sign-metadata.sh').ExitCode | Should -Be 0
        (Invoke-GuideLine './scripts/publish.sh').ExitCode | Should -Be 0
        $config = Get-PublishedTarget 'signing_config.v0.2.json'
        ($config.rekorTlogUrls | Where-Object { -not $_.validFor.end }).url | Should -Be 'https://rekor-mirror.internal:8080'
        Get-Content (Join-Path $script:Tuf 'changelog.jsonl') -Raw | Should -Match 'Emergency: Production Rekor outage'
    }
    It './devops/scripts/disaster-swap-endpoint.sh --repo /path/to/tuf --new-rekor-url https://rekor.sigstore.dev --note "Recovery: Primary Rekor restored"' {
        $r = Invoke-GuideLine "./devops/scripts/disaster-swap-endpoint.sh --repo '$($script:Tuf)' --new-rekor-url https://rekor.sigstore.dev --note `"Recovery: Primary Rekor restored`""
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Invoke-GuideLine './scripts/publish.sh').ExitCode | Should -Be 0
        $config = Get-PublishedTarget 'signing_config.v0.2.json'
        ($config.rekorTlogUrls | Where-Object { -not $_.validFor.end }).url | Should -Be 'https://rekor.sigstore.dev'
    }
    It './devops/scripts/rotate-rekor-key.sh add-key --repo /path/to/tuf --new-key /secure/new-rekor-key-v2.pub, then remove-old --old-key-name rekor-key-v1' {
        $secure = Join-Path $script:Work 'secure'
        New-Item -ItemType Directory -Force $secure | Out-Null
        foreach ($n in 'rekor-key-v1', 'new-rekor-key-v2') {
            $k = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
            Set-Content -Path (Join-Path $secure "$n.pub") -Value $k.ExportSubjectPublicKeyInfoPem()
        }
        (Invoke-GuideLine "./devops/scripts/rotate-rekor-key.sh add-key --repo '$($script:Tuf)' --new-key '$secure/rekor-key-v1.pub'").ExitCode | Should -Be 0
        $r = Invoke-GuideLine "./devops/scripts/rotate-rekor-key.sh add-key --repo '$($script:Tuf)' --new-key '$secure/new-rekor-key-v2.pub'"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Invoke-GuideLine './scripts/sign-metadata.sh').ExitCode | Should -Be 0
        (Invoke-GuideLine './scripts/publish.sh').ExitCode | Should -Be 0
        @((Get-PublishedTarget 'trusted_root.json').tlogs).Count | Should -Be 2
        $r = Invoke-GuideLine "./devops/scripts/rotate-rekor-key.sh remove-old --repo '$($script:Tuf)' --old-key-name rekor-key-v1"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Invoke-GuideLine './scripts/sign-metadata.sh').ExitCode | Should -Be 0
        (Invoke-GuideLine './scripts/publish.sh').ExitCode | Should -Be 0
        $tlogs = @((Get-PublishedTarget 'trusted_root.json').tlogs)
        @($tlogs | Where-Object { $_.publicKey.validFor.end }).Count | Should -Be 1
    }
    It './devops/scripts/rotate-signing-key.sh retire --old-key compromised-key-name; ./devops/scripts/rotate-signing-key.sh generate --key-type ecdsa-p256' {
        (Invoke-GuideLine './devops/scripts/rotate-signing-key.sh generate --key-type ecdsa-p256 --name compromised-key-name').ExitCode | Should -Be 0
        $r = Invoke-GuideLine './devops/scripts/rotate-signing-key.sh retire --old-key compromised-key-name'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r = Invoke-GuideLine './devops/scripts/rotate-signing-key.sh generate --key-type ecdsa-p256'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match 'BEGIN PUBLIC KEY'
        (Invoke-GuideLine './scripts/publish.sh').ExitCode | Should -Be 0
        $keys = @((Get-PublishedTarget 'signing-keys.json').keys)
        $keys.Count | Should -Be 2
        ($keys | Where-Object name -eq 'compromised-key-name').validFor.end | Should -Not -BeNullOrEmpty
    }
    It 'a root rotation short of the old threshold stays pending, is listed, and is not published' {
        $r = Invoke-GuideLine 'tuf-ceremony rotate --threshold 2'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r = Invoke-GuideLine './scripts/sign-metadata.sh --holders holder-1,holder-2'
        $r.ExitCode | Should -Be 3
        $r.Text | Should -Match 'still to sign'
        (Get-StellaTufRepository -Repo $script:Tuf).PendingChanges -join ' ' | Should -Match 'root 2 pending'
        (Invoke-GuideLine './scripts/publish.sh').ExitCode | Should -Be 0
        Test-Path (Join-Path $script:Tuf 'publish/metadata/2.root.json') | Should -BeFalse
        $r = Invoke-GuideLine './scripts/sign-metadata.sh --holders holder-3'
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Invoke-GuideLine './scripts/publish.sh').ExitCode | Should -Be 0
        (Get-Content -Raw (Join-Path $script:Tuf 'publish/metadata/2.root.json') | ConvertFrom-Json).signed.roles.root.threshold | Should -Be 2
    }
}

Describe 'failures exit non-zero and say what to do' {
    It 'disaster-swap-endpoint.sh without --note is a usage error (exit 2)' {
        $r = Invoke-GuideLine "./devops/scripts/disaster-swap-endpoint.sh --repo '$($script:Tuf)' --new-rekor-url https://x.example"
        $r.ExitCode | Should -Be 2
        $r.Text | Should -Match '--note is required'
    }
    It 'sign-metadata.sh with a wrong online password exits 1 with the key and what to do' {
        $r = Invoke-GuideLine "STELLA_TUF_ONLINE_PASSWORD=wrong ./scripts/sign-metadata.sh"
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'cannot be used'
        $r.Text | Should -Match 'what to do'
        $r.Text | Should -Not -Match 'pester-online-password'
    }
    It 'publish.sh refuses a repository a client would reject (a timestamp that goes back) and says why' {
        $ts = Join-Path $script:Tuf 'metadata/timestamp.json'
        $old = Get-Content -Raw (Join-Path $script:Tuf 'publish/metadata/timestamp.json')
        (Invoke-GuideLine './scripts/sign-metadata.sh').ExitCode | Should -Be 0
        (Invoke-GuideLine './scripts/publish.sh').ExitCode | Should -Be 0
        Set-Content -NoNewline -Path $ts -Value $old
        $r = Invoke-GuideLine './scripts/publish.sh'
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'timestamp'
        $r.Text | Should -Match 'what to do'
    }
    It 'bootstrap-trust-offline.sh post-rotation-bundle.tar.zst --force with no such bundle exits 1 and names the file' {
        $r = Invoke-GuideLine './devops/scripts/bootstrap-trust-offline.sh post-rotation-bundle.tar.zst --force'
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match 'post-rotation-bundle\.tar\.zst'
        $r.Text | Should -Match 'what to do'
    }
}

Describe 'bootstrap-trust-offline.sh --metadata-dir: the air-gapped import with no daemon' {
    BeforeAll {
        Add-Type -Path (Join-Path (Split-Path $script:ModulePath) 'StellaOps.Ops.Tuf.dll')
        # The bundle a synchronised daemon would export, made here from what publish.sh published (no daemon in this file).
        $files = [Collections.Generic.Dictionary[string, byte[]]]::new([StringComparer]::Ordinal)
        foreach ($folder in 'metadata', 'targets') {
            foreach ($f in Get-ChildItem -File (Join-Path $script:Tuf "publish/$folder")) { $files["$folder/$($f.Name)"] = [IO.File]::ReadAllBytes($f.FullName) }
        }
        $stream = [IO.File]::Create((Join-Path $script:Tuf 'post-rotation-bundle.tar.zst'))
        try { [StellaOps.Ops.Tuf.Snapshots.TrustSnapshotBundle]::Write($stream, $files, 'pester', [datetimeoffset]::UtcNow) }
        finally { $stream.Dispose() }
        # An air-gapped client that trusts only the first root.
        $script:AirGap = Join-Path $script:Work 'airgap'
        New-Item -ItemType Directory -Force (Join-Path $script:AirGap 'metadata') | Out-Null
        Copy-Item (Join-Path $script:Tuf 'publish/metadata/1.root.json') (Join-Path $script:AirGap 'metadata/root.json')
        $script:RootVersion = @(Get-ChildItem (Join-Path $script:Tuf 'publish/metadata') -Filter '*.root.json' | ForEach-Object { [int]($_.Name -split '\.')[0] } | Sort-Object)[-1]
    }
    It '--help names --metadata-dir and --targets-dir' {
        $r = Invoke-GuideLine './devops/scripts/bootstrap-trust-offline.sh --help'
        $r.Text | Should -Match '--metadata-dir DIR'
        $r.Text | Should -Match '--targets-dir DIR'
        $r.Text | Should -Match 'no daemon'
    }
    It 'a bundle that rotates the root is refused without --force and changes nothing' {
        $script:RootVersion | Should -BeGreaterThan 1 -Because 'the guide lines above rotated the root'
        $r = Invoke-GuideLine "./devops/scripts/bootstrap-trust-offline.sh post-rotation-bundle.tar.zst --metadata-dir '$($script:AirGap)/metadata'"
        $r.ExitCode | Should -Be 1
        $r.Text | Should -Match '--force'
        (Get-Content -Raw (Join-Path $script:AirGap 'metadata/root.json') | ConvertFrom-Json).signed.version | Should -Be 1
        Test-Path (Join-Path $script:AirGap 'metadata/timestamp.json') | Should -BeFalse
    }
    It 'bootstrap-trust-offline.sh post-rotation-bundle.tar.zst --force --metadata-dir DIR: verified from root 1 through the chain, targets beside it' {
        $r = Invoke-GuideLine "./devops/scripts/bootstrap-trust-offline.sh post-rotation-bundle.tar.zst --force --metadata-dir '$($script:AirGap)/metadata'"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Get-Content -Raw (Join-Path $script:AirGap 'metadata/root.json') | ConvertFrom-Json).signed.version | Should -Be $script:RootVersion
        Test-Path (Join-Path $script:AirGap 'metadata/timestamp.json') | Should -BeTrue
        $imported = Get-Content -Raw (Join-Path $script:AirGap 'targets/trusted_root.json') | ConvertFrom-Json
        @($imported.tlogs).Count | Should -Be @((Get-PublishedTarget 'trusted_root.json').tlogs).Count
    }
    It '--targets-dir without --metadata-dir is a usage error (exit 2)' {
        $r = Invoke-GuideLine "./devops/scripts/bootstrap-trust-offline.sh post-rotation-bundle.tar.zst --targets-dir /tmp/x"
        $r.ExitCode | Should -Be 2
        $r.Text | Should -Match '--targets-dir goes with --metadata-dir'
    }
}

Describe 'root keys on PKCS#11 tokens through the scripts (one SoftHSM2 token per holder)' {
    BeforeAll {
        $script:TokRepo = Join-Path $script:Work 'token-repo'
        $script:Hsm = Join-Path $script:Work 'hsm'
        $script:Pins = Join-Path $script:Work 'pins'
        New-Item -ItemType Directory -Force $script:Pins | Out-Null
        & chmod 700 $script:Pins
        $script:HolderTokens = @{}
        foreach ($h in 'alice', 'bob', 'carol') {
            $script:HolderTokens[$h] = New-TestSoftHsmToken -Directory $script:Hsm -Label "$h-root" -Pin "pin-of-$h"
            New-TestPinFile -Path (Join-Path $script:Pins "$h.pin") -Pin "pin-of-$h" | Out-Null
        }
        $script:Conf = $script:HolderTokens['alice'].ConfPath
    }
    It 'tuf-ceremony init --token HOLDER=LABEL ... generates each root key on its token; no root key file; PINs from owner-only files' {
        $line = "SOFTHSM2_CONF='$($script:Conf)' tuf-ceremony init --repo '$($script:TokRepo)' --threshold 2 --keys 3 --algorithm ecdsa-p256 --holders alice,bob,carol " +
            "--token alice=alice-root --token bob=bob-root --token carol=carol-root --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --pin-file '$($script:Pins)/{holder}.pin'"
        $r = Invoke-GuideLine $line
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Not -Match 'pin-of-'
        $config = Get-Content -Raw (Join-Path $script:TokRepo 'tuf-repository.json') | ConvertFrom-Json
        @($config.rootHolders | Where-Object tokenLabel).Count | Should -Be 3
        Test-Path (Join-Path $script:TokRepo 'keys/root') | Should -BeFalse
        $root = Get-Content -Raw (Join-Path $script:TokRepo 'metadata/1.root.json') | ConvertFrom-Json
        @($root.signatures).Count | Should -Be 3
        foreach ($h in $config.rootHolders) {
            $objects = & bash -c "SOFTHSM2_CONF='$($script:Conf)' pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label '$($h.tokenLabel)' --login --pin 'pin-of-$($h.name)' --list-objects --type privkey --id $($h.tokenKeyId)" 2>&1 | Out-String
            $objects | Should -Match 'never extractable'
        }
    }
    It 'tuf-ceremony rotate --threshold 3 is signed by the holders'' tokens through sign-metadata.sh and published' {
        $r = Invoke-GuideLine "SOFTHSM2_CONF='$($script:Conf)' tuf-ceremony rotate --repo '$($script:TokRepo)' --threshold 3"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r = Invoke-GuideLine "SOFTHSM2_CONF='$($script:Conf)' sign-metadata.sh --repo '$($script:TokRepo)' --pin-file '$($script:Pins)/{holder}.pin'"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match 'signed root version 2'
        $r = Invoke-GuideLine "publish.sh --repo '$($script:TokRepo)' --to '$($script:TokRepo)/publish'"
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Get-Content -Raw (Join-Path $script:TokRepo 'publish/metadata/2.root.json') | ConvertFrom-Json).signed.roles.root.threshold | Should -Be 3
    }
    It 'tuf-ceremony --help documents the token options' {
        $r = Invoke-GuideLine 'tuf-ceremony --help'
        $r.Text | Should -Match '--token HOLDER=LABEL'
        $r.Text | Should -Match '--pin-file'
    }
}
