BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    $manifest = Import-PowerShellDataFile (Get-TestModulePath)
    $script:cmdletCases = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestDaemon.psm1') -Force
    $script:modulePath = Get-TestModulePath
    $script:manifest = Import-PowerShellDataFile $script:modulePath
    $script:module = Import-Module $script:modulePath -Force -PassThru
}

Describe 'The StellaOps module' {
    It 'has a valid manifest: version 0.1.0, PowerShell 7.6, Core, tags' {
        $m = Test-ModuleManifest $script:modulePath
        $m.Version | Should -Be '0.1.0'
        $m.PowerShellVersion | Should -Be '7.6'
        $m.CompatiblePSEditions | Should -Be @('Core')
        $m.PrivateData.PSData.Tags | Should -Contain 'StellaOps'
    }
    It 'exports exactly the manifest''s cmdlets and stella, an alias of the cmdlet Invoke-StellaRunbookLine' {
        @($script:module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($script:manifest.CmdletsToExport | Sort-Object)
        @($script:module.ExportedFunctions.Keys) | Should -BeNullOrEmpty
        @($script:module.ExportedAliases.Keys) | Should -Be @('stella')
        # A cmdlet, not a module function: only a cmdlet runs in its caller's scope and sees the caller's preferences.
        (Get-Command stella).ResolvedCommand.CommandType | Should -Be 'Cmdlet'
        (Get-Command stella).ResolvedCommand.Name | Should -Be 'Invoke-StellaRunbookLine'
    }
    It 'every compiled cmdlet is in the manifest' {
        $compiled = [StellaOps.Ops.PowerShell.StellaCmdlet].Assembly.GetTypes() |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        @($compiled | Sort-Object) | Should -Be @($script:manifest.CmdletsToExport | Sort-Object)
    }
    It 'ships no System.Management.Automation.dll' {
        Join-Path (Split-Path $script:modulePath) 'System.Management.Automation.dll' | Should -Not -Exist
    }
    It 'does not load the RPC stack at import (it loads on the first call)' {
        # How long the import takes is a benchmark (tests/bench/daemon-ipc.bench.ps1), not an assertion.
        $q = $script:modulePath.Replace("'", "''")
        $script = "Import-Module '$q'; [bool]([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'StreamJsonRpc' })"
        $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be 'False' -Because 'StreamJsonRpc must not load at import'
    }
}

Describe 'Cmdlet <Name>' -ForEach $script:cmdletCases {
    BeforeAll { $script:cmd = Get-Command $Name -Module StellaOps }
    It 'uses an approved verb' { (Get-Verb).Verb | Should -Contain $script:cmd.Verb }
    It 'declares [OutputType]' { $script:cmd.OutputType.Count | Should -BeGreaterThan 0 }
    It 'has help: synopsis, description, parameter descriptions and an example' {
        $h = Get-Help $Name -Full
        $h.Synopsis | Should -Not -BeNullOrEmpty
        $h.Synopsis | Should -Not -Match "^\s*$Name\s*\["
        ($h.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($h.examples.example).Count | Should -BeGreaterOrEqual 1
        foreach ($p in @($h.parameters.parameter)) { ($p.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($p.name) needs a description" }
    }
    It 'supports ShouldProcess when its verb changes things' {
        $mutating = $script:cmd.Verb -in 'Set', 'Reset', 'Remove', 'New', 'Add', 'Clear', 'Enable', 'Disable', 'Register', 'Unregister', 'Publish', 'Revoke', 'Switch', 'Sync', 'Import', 'Initialize', 'Approve', 'Update' -or $Name -eq 'Invoke-StellaReload'
        if ($mutating) { $script:cmd.Parameters.PSBase.Keys | Should -Contain 'WhatIf' }
        else { $true | Should -BeTrue }
    }
}

Describe 'stella help' {
    It 'Get-Help stella shows the runbook dispatcher''s help with examples' {
        $h = Get-Help stella
        $h.Name | Should -Be 'Invoke-StellaRunbookLine'
        @($h.examples.example).Count | Should -BeGreaterOrEqual 1
    }
}
