@{
    Synopsis    = 'Gets the daemon''s settings with their effective value and where the value comes from.'
    Description = 'Returns one SettingInfo per setting: Name (the runbook name, e.g. hsm.session.timeout), Value, DefaultValue, Source (Default, File, Environment, CommandLine or Runtime), Type, AllowedValues, Description, whether a change applies live, and who changed it last. Names accept wildcards. A name that matches nothing and has no wildcard is an ObjectNotFound error that names the closest setting. Runbook form: stella attest config get <name>, stella crypto hsm config get <name>.'
    Parameters  = @{
        Name = 'Setting names (attest.signing.key_id, hsm.session.timeout, keys.rotation.auto, ...). Wildcards allowed; all settings when omitted. Accepts pipeline input by value and by the Name property.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaConfig -Name attest.signing.key_id'; Remarks = 'Shows the key the attestor signs with (runbook: stella attest config get signing.key_id).' }
        @{ Code = 'Get-StellaConfig hsm.* | Format-Table Name, Value, Source'; Remarks = 'All HSM settings and where each value comes from.' }
        @{ Code = 'Get-StellaConfig | Where-Object Source -eq Runtime'; Remarks = 'Settings changed at run time with Set-StellaConfig (they persist across restarts).' }
    )
}
