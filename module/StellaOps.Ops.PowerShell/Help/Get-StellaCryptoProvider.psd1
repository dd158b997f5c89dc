@{
    Synopsis    = 'Lists the signing providers (HSM, software) and the algorithms each supports.'
    Description = 'Returns one CryptoProviderInfo per provider: Hsm (the active PKCS#11 token; its algorithms come from the token''s mechanisms) and Software (in-process keys, which may not meet compliance requirements), whether it is available now, a message saying why not, and each algorithm with whether the provider can generate keys and sign with it. -Detailed shows the per-algorithm capabilities. Runbook form: stella crypto providers list --algorithms.'
    Parameters  = @{
        Name     = 'Only the providers with these names (Hsm, Software); wildcards allowed. A name without wildcards that matches nothing is an error.'
        Detailed = 'Shows every algorithm with what the provider can do with it (runbook: --algorithms). The objects are the same.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaCryptoProvider -Detailed'; Remarks = 'Which algorithms the HSM and the software provider support (runbook: stella crypto providers list --algorithms).' }
        @{ Code = '(Get-StellaCryptoProvider -Name Hsm).Algorithms | Where-Object CanSign'; Remarks = 'The algorithms the HSM can sign with.' }
    )
}
