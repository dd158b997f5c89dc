@{
    # The StellaOps operations module: cmdlets over the stella-opsd daemon and the `stella` runbook dispatcher.
    RootModule           = 'StellaOps.Ops.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0c8a53-2d4e-4b8f-9a57-3c1e7d2b9f41'
    Author               = 'StellaOps'
    CompanyName          = 'StellaOps'
    Copyright            = '(c) StellaOps. All rights reserved.'
    Description          = 'Operate StellaOps attestation signing: configuration, logs, health checks and the runbook `stella` commands, against the stella-opsd daemon.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('StellaOps.format.ps1xml')
    CmdletsToExport      = @(
        'Add-StellaTrustAnchor'
        'Approve-StellaIssuer'
        'Connect-StellaDaemon'
        'Disconnect-StellaDaemon'
        'Enable-StellaKey'
        'Export-StellaAttestation'
        'Get-StellaAttestation'
        'Get-StellaAttestorStatus'
        'Get-StellaConfig'
        'Get-StellaCryptoProvider'
        'Get-StellaDoctorCheck'
        'Get-StellaHsm'
        'Get-StellaHsmSlot'
        'Get-StellaIssuer'
        'Get-StellaKey'
        'Get-StellaKeyRotation'
        'Get-StellaLog'
        'Get-StellaMetric'
        'Get-StellaPublicKey'
        'Get-StellaScheduledCheck'
        'Get-StellaService'
        'Get-StellaTrustAnchor'
        'Invoke-StellaAttestationRetry'
        'Invoke-StellaDoctor'
        'Invoke-StellaKeyRotation'
        'Invoke-StellaReload'
        'Invoke-StellaRunbookLine'
        'Invoke-StellaSign'
        'New-StellaAttestation'
        'New-StellaCertificateRequest'
        'New-StellaKey'
        'Publish-StellaKey'
        'Register-StellaKey'
        'Register-StellaScheduledCheck'
        'Remove-StellaTrustAnchor'
        'Restart-StellaService'
        'Reset-StellaConfig'
        'Reset-StellaHsm'
        'Revoke-StellaIssuer'
        'Revoke-StellaKey'
        'Set-StellaConfig'
        'Set-StellaHsmPin'
        'Set-StellaKeyCertificate'
        'Start-StellaService'
        'Stop-StellaService'
        'Switch-StellaHsm'
        'Test-StellaArtifact'
        'Test-StellaAttestation'
        'Test-StellaAttestationIntegrity'
        'Test-StellaCertificateChain'
        'Test-StellaHsm'
        'Test-StellaHsmLogin'
        'Test-StellaKey'
        'Test-StellaSigning'
        'Unregister-StellaScheduledCheck'
        'Update-StellaIssuerKey'
    )
    FunctionsToExport    = @()
    # stella is Invoke-StellaRunbookLine: a cmdlet, so it runs in the caller's scope and honours its preferences.
    AliasesToExport      = @('stella')
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('StellaOps', 'attestation', 'signing', 'HSM', 'in-toto', 'DSSE', 'sigstore', 'runbook', 'Linux')
            ProjectUri = 'https://github.com/stellaops/stellaops-ops'
        }
    }
}
