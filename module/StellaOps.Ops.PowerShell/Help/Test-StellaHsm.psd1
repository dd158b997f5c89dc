@{
    Synopsis    = 'Tests the HSMs: a session probe, the connectivity chain, and a real test signature.'
    Description = 'Runs the daemon''s HSM self-tests and returns one HsmTestResult per test and member with Success, Latency and a Message that names the failing step. Ping probes a session on each member; Connectivity checks library, slot, token and login on each member, step by step; Sign makes a real test signature (ecdsa-p256, with the daemon''s self-test key, which the daemon puts on each token it connects to at start and on an operator''s Reset-StellaHsm, audited; a test never changes a token and reports a missing self-test key as KeyNotFound) through the failover group, the path real signing takes. Without -Operation all three run. Every result is written first; then each failed one is also a non-terminating error whose id is the daemon''s error code (HsmUnavailable, HsmPinIncorrect, HsmTimeout, ...) with the next step as the recommended action, so -ErrorAction Stop and $? work in scripts. -Verbose writes each result''s message as it arrives. Runbook forms: stella crypto hsm test (all), ping, connectivity --verbose, verify (Sign).'
    Parameters  = @{
        Operation = 'The tests to run: Ping, Connectivity, Sign, or several. Default: all three. Accepts HsmTestResult objects (their Operation) from the pipeline.'
    }
    Examples    = @(
        @{ Code = 'Test-StellaHsm'; Remarks = 'Test HSM connectivity and signing (runbook: stella crypto hsm test).' }
        @{ Code = 'Test-StellaHsm -Operation Connectivity -Verbose'; Remarks = 'Check the network path, library, slot, token and login of each HSM (runbook: stella crypto hsm connectivity --verbose).' }
        @{ Code = 'Test-StellaHsm -Operation Sign -ErrorAction Stop'; Remarks = 'Fails the script when the HSM cannot sign.' }
    )
}
