@{
    Synopsis    = 'Lists the health checks the daemon can run.'
    Description = 'Returns each check the daemon knows (its id and what it looks at). Use the ids with Invoke-StellaDoctor -Check.'
    Parameters  = @{
        Name = 'Only checks whose id matches (wildcards allowed). A name without wildcards that matches nothing is an ObjectNotFound error naming the closest id.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaDoctorCheck'; Remarks = 'Every check id and its description.' }
        @{ Code = 'Get-StellaDoctorCheck check.attestor.* | Invoke-StellaDoctor'; Remarks = 'Runs every attestor check.' }
    )
}
