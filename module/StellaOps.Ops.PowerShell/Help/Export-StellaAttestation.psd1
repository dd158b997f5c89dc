@{
    Synopsis    = 'Writes an attestation to a file as a DSSE envelope or a Sigstore bundle.'
    Description = 'Gets the attestation from the daemon in the chosen format and writes it to -Path (atomically: written beside the target, then renamed). When -Path is an existing folder, the file is named after the attestation. An existing file is not overwritten unless -Force is given (a Conflict error otherwise). Returns the FileInfo of each file written. Supports -WhatIf and -Confirm; -Force does not skip them.'
    Parameters  = @{
        Id     = 'Ids of the attestations to export (or unique prefixes of at least 8 characters). Accepts strings and objects with an Id or AttestationId property from the pipeline.'
        Path   = 'The file to write, or an existing folder to write into.'
        Format = 'Dsse (the default): the DSSE envelope JSON. SigstoreBundle: a Sigstore bundle v0.3 carrying the envelope and the public key hint.'
        Force  = 'Overwrite an existing file.'
    }
    Examples    = @(
        @{ Code = 'Export-StellaAttestation -Id $id -Path ./attestation.dsse.json'; Remarks = 'The DSSE envelope, for a verifier elsewhere.' }
        @{ Code = 'Get-StellaAttestation -Type provenance -Last 1d | Export-StellaAttestation -Path ./out -Format SigstoreBundle'; Remarks = 'Every provenance attestation of the last day as Sigstore bundles in ./out.' }
    )
}
