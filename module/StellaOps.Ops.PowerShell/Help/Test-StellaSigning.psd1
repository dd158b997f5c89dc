@{
    Synopsis    = 'Signs and verifies a throwaway statement with the attestor''s signing key, step by step.'
    Description = 'The daemon resolves the key the attestor would sign with, checks it is valid, builds a test statement, signs it and verifies the signature; nothing is stored. Returns a SigningTestResult with each step, its duration and message. With -Verbose each step is also written as a verbose line. When a step fails the result is written and a non-terminating error names the failed step, with the daemon''s code as its id (e.g. NoActiveKey, KeyExpired, HsmUnavailable) and what to do. Runbook form: stella attest test-sign [--verbose].'
    Parameters  = @{}
    Examples    = @(
        @{ Code = 'Test-StellaSigning -Verbose'; Remarks = 'Signing failures, deep diagnosis: which step fails and why (runbook: stella attest test-sign --verbose).' }
        @{ Code = 'if (-not (Test-StellaSigning -ErrorAction SilentlyContinue).Success) { Invoke-StellaDoctor -Check check.attestor.signing-health }'; Remarks = 'A health check for a schedule.' }
    )
}
