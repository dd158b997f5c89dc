#!/usr/bin/env pwsh
# sign-metadata.sh: signs what changed with the keys present (Update-StellaTufMetadata); pending export/sign/import.
Import-Module (Join-Path $PSScriptRoot 'TufScripts.psm1') -Force
$argv = @($args)
$usage = @"
usage: sign-metadata.sh [--repo DIR] [--holders a,b] [password options]
       sign-metadata.sh --export-pending FILE [--repo DIR]
       sign-metadata.sh --sign-pending FILE --key-file KEY.p8 [password options]   (on the holder's machine)
       sign-metadata.sh --sign-pending FILE --token LABEL [--holder NAME] [token options]   (a root key on a token)
       sign-metadata.sh --import-pending FILE [--repo DIR]
Signs what changed: a pending root with the root keys present (their files in keys/root/ and the password), the
targets when content/ changed, and always new snapshot and timestamp versions with the online keys, expiries by
policy. A root short of its thresholds stays pending and the holders still to sign are listed (exit 3).
Root keys on tokens (the ceremony's --token) sign here when their PIN is given: --pin-env NAME / --pin-file FILE
({holder} stands for the holder's name), $STELLA_TUF_TOKEN_PIN_FILE or $STELLA_TUF_TOKEN_PIN; with --holders each
named holder is prompted. --pkcs11-module PATH overrides the library the ceremony recorded.
$PasswordHelp
"@
if ($argv -contains '--help' -or $argv -contains '-h') { $usage; exit 0 }
Invoke-TufScript -Name 'sign-metadata.sh' -Usage $usage -Body {
    $parsed = ConvertFrom-ScriptArgument -Arguments $argv
    Assert-KnownFlag $parsed (@('repo', 'holders', 'holder', 'export-pending', 'sign-pending', 'key-file', 'import-pending') + $PasswordFlags + $TokenFlags)
    $common = Get-TufPasswordParameter $parsed
    $tokens = Get-TufTokenParameter $parsed -NoTokenMap
    $repo = Get-TufRepoArgument $parsed
    if ($parsed.Named['export-pending']) { Export-StellaTufPending -Repo $repo -Path $parsed.Named['export-pending'] -ErrorAction Stop | ForEach-Object FullName; return }
    if ($parsed.Named['sign-pending']) {
        if ($parsed.Named['token']) {
            $t = @{ TokenLabel = @($parsed.Named['token'])[0] } + $tokens
            if ($parsed.Named['holder']) { $t.HolderName = $parsed.Named['holder'] }
            Add-StellaTufSignature -Path $parsed.Named['sign-pending'] @t -ErrorAction Stop | ForEach-Object FullName; return
        }
        if (-not $parsed.Named['key-file']) { throw [System.Management.Automation.ParameterBindingException]::new('--sign-pending needs --key-file (or --token LABEL).') }
        Add-StellaTufSignature -Path $parsed.Named['sign-pending'] -KeyFile $parsed.Named['key-file'] @common -ErrorAction Stop | ForEach-Object FullName; return
    }
    if ($parsed.Named['import-pending']) {
        $missing = @(Import-StellaTufPending -Repo $repo -Path $parsed.Named['import-pending'] -ErrorAction Stop)
        if ($missing) { "still to sign: $($missing -join '; ')" } else { 'the pending root has its signatures: run sign-metadata.sh to promote it' }
        return
    }
    $p = @{ Repo = $repo } + $common + $tokens
    if ($parsed.Named['holders']) { $p.Holder = $parsed.Named['holders'] -split ',' }
    $result = Update-StellaTufMetadata @p -ErrorAction Stop -WarningAction SilentlyContinue
    foreach ($kv in $result.Signed.GetEnumerator()) { "signed $($kv.Key) version $($kv.Value)" }
    if ($result.PendingRootVersion) {
        [Console]::Error.WriteLine("sign-metadata.sh: root $($result.PendingRootVersion) is pending (it is not published); still to sign: $($result.StillToSign -join '; ')")
        [Console]::Error.WriteLine("sign-metadata.sh: what to do: have those holders run sign-metadata.sh here, or --export-pending FILE, --sign-pending FILE --key-file KEY on their machine, --import-pending FILE here.")
        exit 3
    }
}
