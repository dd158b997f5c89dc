# Shared by the repository-admin scripts (tuf-ceremony, sign-metadata.sh, publish.sh, disaster-swap-endpoint.sh,
# rotate-rekor-key.sh, rotate-signing-key.sh, bootstrap-trust-offline.sh): the runbook's GNU-style arguments, --help,
# the module import, and failures as one message with what to do and a non-zero exit.

function Import-StellaModuleForScripts {
    $candidates = @($env:STELLAOPS_MODULE, (Join-Path $PSScriptRoot '../out/StellaOps/StellaOps.psd1')) | Where-Object { $_ -and (Test-Path $_) }
    if ($candidates) { Import-Module $candidates[0] -Global -ErrorAction Stop }
    else { Import-Module StellaOps -Global -ErrorAction Stop }
}

# --name value / --flag into a hashtable; positionals in .Positional. Unknown flags are refused by the caller.
function ConvertFrom-ScriptArgument {
    param([string[]] $Arguments, [string[]] $Switches = @(), [string[]] $Repeatable = @('token'))
    $named = @{}; $positional = [System.Collections.Generic.List[string]]::new()
    for ($i = 0; $i -lt $Arguments.Count; $i++) {
        $a = $Arguments[$i]
        if ($a -like '--*') {
            $name = $a.Substring(2)
            if ($name -match '^([^=]+)=(.*)$') { $named[$Matches[1]] = $Matches[2] }
            elseif ($name -in $Switches -or $name -eq 'help') { $named[$name] = $true }
            elseif ($name -in $Repeatable -and $i + 1 -lt $Arguments.Count) { $named[$name] = @($named[$name] | Where-Object { $_ }) + $Arguments[++$i] }
            elseif ($i + 1 -lt $Arguments.Count) { $named[$name] = $Arguments[++$i] }
            else { throw "--$name needs a value." }
        }
        elseif ($a -in '-h') { $named['help'] = $true }
        else { $positional.Add($a) }
    }
    [pscustomobject]@{ Named = $named; Positional = $positional }
}

function Assert-KnownFlag {
    param($Parsed, [string[]] $Known)
    foreach ($k in $Parsed.Named.PSBase.Keys) {
        if ($k -notin $Known + 'help') { throw "unknown option --$k (known: $((($Known | ForEach-Object { "--$_" }) -join ', ')))." }
    }
}

# Runs the script body; an error ends the script with its message, what to do, and exit code 1 (2 for bad usage).
function Invoke-TufScript {
    param([string] $Name, [string] $Usage, [scriptblock] $Body)
    if ($env:STELLA_CALLER_PWD) { Set-Location -LiteralPath $env:STELLA_CALLER_PWD }
    try {
        Import-StellaModuleForScripts
        & $Body
        exit 0
    }
    catch [System.Management.Automation.ParameterBindingException] {
        [Console]::Error.WriteLine("${Name}: $($_.Exception.Message)`n$Usage")
        exit 2
    }
    catch {
        $record = $_
        $message = if ($record.ErrorDetails -and $record.ErrorDetails.Message) { $record.ErrorDetails.Message } else { $record.Exception.Message }
        [Console]::Error.WriteLine("${Name}: error: $message")
        $action = $record.ErrorDetails.RecommendedAction
        if ($action) { [Console]::Error.WriteLine("${Name}: what to do: $action") }
        else { [Console]::Error.WriteLine("${Name}: what to do: see '$Name --help'.") }
        exit 1
    }
}

function Get-TufRepoArgument {
    param($Parsed)
    if ($Parsed.Named['repo']) { return $Parsed.Named['repo'] }
    if ($env:STELLA_TUF_REPO) { return $env:STELLA_TUF_REPO }
    return (Get-Location).ProviderPath
}

# -PasswordEnvironmentVariable / -PasswordFile / -OnlinePasswordFile from --password-env, --password-file, --online-password-file.
function Get-TufPasswordParameter {
    param($Parsed)
    $p = @{}
    if ($Parsed.Named['password-env']) { $p.PasswordEnvironmentVariable = $Parsed.Named['password-env'] }
    if ($Parsed.Named['password-file']) { $p.PasswordFile = $Parsed.Named['password-file'] }
    if ($Parsed.Named['online-password-file']) { $p.OnlinePasswordFile = $Parsed.Named['online-password-file'] }
    $p
}

# -Token @{holder='label'} / -Pkcs11Module / -PinEnvironmentVariable / -PinFile from --token HOLDER=LABEL (repeatable), --pkcs11-module, --pin-env, --pin-file.
function Get-TufTokenParameter {
    param($Parsed, [switch] $NoTokenMap)
    $p = @{}
    if ($Parsed.Named['pkcs11-module']) { $p.Pkcs11Module = $Parsed.Named['pkcs11-module'] }
    if ($Parsed.Named['pin-env']) { $p.PinEnvironmentVariable = $Parsed.Named['pin-env'] }
    if ($Parsed.Named['pin-file']) { $p.PinFile = $Parsed.Named['pin-file'] }
    if (-not $NoTokenMap -and $Parsed.Named['token']) {
        $map = [ordered]@{}
        foreach ($t in @($Parsed.Named['token'])) {
            if ($t -notmatch '^([^=]+)=(.+)$') { throw [System.Management.Automation.ParameterBindingException]::new("--token '$t': give HOLDER=TOKEN-LABEL (e.g. --token alice=alice-root).") }
            $map[$Matches[1]] = $Matches[2]
        }
        $p.Token = [hashtable]$map
    }
    $p
}

$script:PasswordFlags = @('password-env', 'password-file', 'online-password-file')
$script:TokenFlags = @('token', 'pkcs11-module', 'pin-env', 'pin-file')
$script:TokenHelp = @'
Root keys on PKCS#11 tokens, one per holder: --token HOLDER=LABEL (repeat it; holders not named get key files)
generates that holder's root key on the token with that label (sensitive, never extractable; the ceremony record
names the token and the key's CKA_ID). --pkcs11-module PATH is the tokens' PKCS#11 library ($STELLA_TUF_PKCS11_MODULE
otherwise). PINs are never arguments: you are prompted for each holder's PIN, or --pin-env NAME / --pin-file FILE
name where it is ({holder} in NAME or FILE stands for the holder's name; a PIN file must be readable by you only);
$STELLA_TUF_TOKEN_PIN_FILE and $STELLA_TUF_TOKEN_PIN are used otherwise.
'@
$script:PasswordHelp = @'
Passwords are never arguments: you are prompted, or --password-env NAME / --password-file FILE name where the
root key password is ($STELLA_TUF_ROOT_PASSWORD otherwise); the online keys' password comes from
--online-password-file FILE, $STELLA_TUF_ONLINE_PASSWORD_FILE or $STELLA_TUF_ONLINE_PASSWORD.
'@

Export-ModuleMember -Function * -Variable PasswordFlags, PasswordHelp, TokenFlags, TokenHelp
