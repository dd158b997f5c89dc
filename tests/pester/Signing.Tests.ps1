# Invoke-StellaSign against a real daemon (software keys): digests, files, bytes, batching, order, per-item errors.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:daemon = Start-TestDaemon
    Set-StellaConfig -Name attest.signing.mode -Value software -WarningAction SilentlyContinue
    $script:p256 = New-StellaKey -Name sign-p256 -Algorithm ecdsa-p256 -Provider Software
    $script:p384 = New-StellaKey -Name sign-p384 -Algorithm ecdsa-p384 -Provider Software
    $script:ed = New-StellaKey -Name sign-ed -Algorithm ed25519 -Provider Software
    Enable-StellaKey -Id $p256.Id | Out-Null

    function script:Get-Verifier($Key) {
        $ec = [System.Security.Cryptography.ECDsa]::Create()
        $ec.ImportFromPem((Get-StellaPublicKey -Id $Key.Id).Pem)
        $ec
    }
    function script:Test-DigestSignature($Verifier, [string] $Digest, [byte[]] $Signature) {
        $hex = ($Digest -split ':')[-1]
        $Verifier.VerifyHash([Convert]::FromHexString($hex), $Signature, 'Rfc3279DerSequence')
    }
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ("stella-sign-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    New-Item -ItemType Directory $work | Out-Null
    foreach ($n in 1..3) { Set-Content -Path (Join-Path $work "file$n.txt") -Value "release file $n" -NoNewline }
}
AfterAll {
    Stop-TestDaemon $script:daemon
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'Invoke-StellaSign -Digest' {
    It 'signs 600 piped digests across several batches, in input order, each verifying with the public key' {
        $digests = foreach ($i in 1..600) { 'sha256:' + [Convert]::ToHexStringLower([Security.Cryptography.SHA256]::HashData([BitConverter]::GetBytes($i))) }
        $out = @($digests | Invoke-StellaSign)
        $out.Count | Should -Be 600
        $out[0] | Should -BeOfType ([StellaOps.Ops.PowerShell.Signing.StellaSignature])
        ($out.Digest -join ',') | Should -Be ($digests -join ',')
        ($out.Source -join ',') | Should -Be ($digests -join ',')
        $v = Get-Verifier $p256
        foreach ($s in $out) {
            $s.KeyId | Should -Be $p256.Id
            $s.Algorithm | Should -Be 'EcdsaP256'
            $s.SignatureBase64 | Should -Be ([Convert]::ToBase64String($s.Signature))
            Test-DigestSignature $v $s.Digest $s.Signature | Should -BeTrue
        }
    }
    It 'takes Get-FileHash output by property name (Hash) and upper-case bare hex' {
        $hash = Get-FileHash (Join-Path $work 'file1.txt')
        $s = $hash | Invoke-StellaSign
        $s.Digest | Should -Be ('sha256:' + $hash.Hash.ToLowerInvariant())
        Test-DigestSignature (Get-Verifier $p256) $s.Digest $s.Signature | Should -BeTrue
    }
    It 'writes one error per bad item with the daemon''s id and category, and still signs the others' {
        $good = 'sha256:' + ('a' * 64)
        $out = @($good, 'sha256:nothex', ('sha384:' + ('b' * 96)), $good | Invoke-StellaSign -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 2
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidArgument,StellaOps.Ops.PowerShell.Signing.InvokeStellaSignCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'sha256:nothex'
        $errs[1].Exception.Message | Should -Match 'signs sha256 digests'
        $errs[1].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }
    It 'signs with -KeyId (P-384 takes sha384 digests) and reports an unknown key per item' {
        $d = 'sha384:' + [Convert]::ToHexStringLower([Security.Cryptography.SHA384]::HashData([byte[]](1, 2, 3)))
        $s = Invoke-StellaSign -Digest $d -KeyId $p384.Id
        $s.Algorithm | Should -Be 'EcdsaP384'
        Test-DigestSignature (Get-Verifier $p384) $s.Digest $s.Signature | Should -BeTrue
        Invoke-StellaSign -Digest $d -KeyId ('0' * 64) -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'KeyNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
    It 'signs nothing with -WhatIf' {
        $before = @(Get-StellaLog -Component Audit -Filter signing.Sign).Count
        Invoke-StellaSign -Digest ('sha256:' + ('c' * 64)) -WhatIf | Should -BeNullOrEmpty
        @(Get-StellaLog -Component Audit -Filter signing.Sign).Count | Should -Be $before
    }
}

Describe 'Invoke-StellaSign -Path / -LiteralPath / -InputObject' {
    It 'hashes files locally (wildcards) and signs their SHA-256 digests' {
        $out = @(Invoke-StellaSign -Path (Join-Path $work 'file*.txt'))
        $out.Count | Should -Be 3
        $v = Get-Verifier $p256
        foreach ($s in $out) {
            $s.Source | Should -BeLike '*file?.txt'
            $s.Digest | Should -Be ('sha256:' + (Get-FileHash $s.Source).Hash.ToLowerInvariant())
            Test-DigestSignature $v $s.Digest $s.Signature | Should -BeTrue
        }
    }
    It 'binds Get-ChildItem output to -LiteralPath and uses SHA-384 for a P-384 key' {
        $out = @(Get-ChildItem $work -File | Invoke-StellaSign -KeyId $p384.Id)
        $out.Count | Should -Be 3
        $out[0].Digest | Should -Be ('sha384:' + (Get-FileHash $out[0].Source -Algorithm SHA384).Hash.ToLowerInvariant())
        Test-DigestSignature (Get-Verifier $p384) $out[0].Digest $out[0].Signature | Should -BeTrue
    }
    It 'reports a missing file and a directory as errors and signs the rest' {
        $out = @(Invoke-StellaSign -LiteralPath (Join-Path $work 'nope.txt'), $work, (Join-Path $work 'file1.txt') -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $errs.Count | Should -Be 2
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'
    }
    It 'signs bytes and strings; an Ed25519 key gets the data itself' {
        $bytes = [byte[]](1..100)
        $s = Invoke-StellaSign -InputObject $bytes
        $s.Source | Should -Be 'InputObject (100 bytes)'
        Test-DigestSignature (Get-Verifier $p256) $s.Digest $s.Signature | Should -BeTrue
        $many = @(Invoke-StellaSign -InputObject 'one', 'two' -KeyId $ed.Id)
        $many.Count | Should -Be 2
        $many[1].Source | Should -Be 'InputObject[1] (3 bytes)'
        $many[0].Digest | Should -Be ''
        $many[0].Signature.Length | Should -Be 64
        # Ed25519 is deterministic: the same text signs the same way (the integration tests verify it with the public key).
        (Invoke-StellaSign -InputObject 'one' -KeyId $ed.Id).SignatureBase64 | Should -Be $many[0].SignatureBase64
        $many[1].SignatureBase64 | Should -Not -Be $many[0].SignatureBase64
    }
    It 'refuses a digest for an Ed25519 key with what to do instead' {
        Invoke-StellaSign -Digest ('sha256:' + ('d' * 64)) -KeyId $ed.Id -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].Exception.Message | Should -Match 'ed25519'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match '-InputObject|-Path'
    }
}
