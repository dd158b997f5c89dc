namespace StellaOps.Ops.Contracts;

/// <summary>
/// Typed error codes that cross the pipe. The numeric value is the JSON-RPC error code (application range);
/// the name is the stable id a client turns into an ErrorRecord's FullyQualifiedErrorId. Never renumber.
/// </summary>
public enum OpsErrorCode
{
    Internal = 1000,
    InvalidArgument = 1001,
    NotFound = 1002,
    Conflict = 1003,
    Unauthorized = 1004,
    PermissionDenied = 1005,
    ProtocolMismatch = 1006,
    Timeout = 1007,
    Unavailable = 1008,
    SettingNotFound = 1009,
    InvalidSetting = 1010,
    KeyNotFound = 1100,
    KeyExpired = 1101,
    KeyNotActive = 1102,
    NoActiveKey = 1103,
    KeyRevoked = 1104,
    /// <summary>The master key that seals software keys is gone: restore it from backup (a new one opens none of them).</summary>
    MasterKeyMissing = 1105,
    HsmUnavailable = 1200,
    HsmPinIncorrect = 1201,
    HsmPinLocked = 1202,
    HsmTimeout = 1203,
    HsmNotConfigured = 1204,
    SigningFailed = 1300,
    AttestationNotFound = 1301,
    VerificationFailed = 1400,
    TrustUnavailable = 1500,
    TransparencyLogUnavailable = 1600,
    /// <summary>A file or directory the daemon would rely on could be swapped or read by someone else (owner, mode, symbolic link).</summary>
    UntrustedPath = 1011,
    /// <summary>The process serving the endpoint is not the daemon's user: nothing was sent to it.</summary>
    UntrustedPeer = 1012,
    /// <summary>The disk holding the daemon's state directory is full: nothing more can be recorded.</summary>
    StorageFull = 1013,
    /// <summary>Named by the runbooks, not built in this release (a doctor check still to come).</summary>
    NotImplemented = 1014,
    /// <summary>A request, batch or answer over one of the daemon's size limits; the message names the limit and how to split the work.</summary>
    LimitExceeded = 1015,
    /// <summary>The new PIN could not be put into the PIN file; nothing changed (token and file keep the current PIN).</summary>
    HsmPinFileNotWritten = 1205,
    /// <summary>The token has the new PIN but the PIN file still the old one: the message says how to bring them in step.</summary>
    HsmPinOutOfStep = 1206,
    // Verification causes (runbook "attestation verification failures"), each its own stable id: VerificationFailed stays
    // the general code; these name the one cause a failed check found, in the runbook's words.
    /// <summary>"signature verification failed": the signature does not verify over the envelope with the key.</summary>
    SignatureVerificationFailed = 1401,
    /// <summary>"invalid attestation": the envelope or bundle is malformed, or its payload is no in-toto statement.</summary>
    InvalidAttestation = 1402,
    /// <summary>"trust anchor not found": the signing key or the chain's root is in no trust source.</summary>
    TrustAnchorNotFound = 1403,
    /// <summary>"certificate chain invalid: intermediate missing": a link between the leaf and a root is in neither the bundle nor the trust store.</summary>
    CertificateChainIntermediateMissing = 1404,
    /// <summary>"certificate chain invalid: root not trusted": the chain ends at a root that is not a trust anchor.</summary>
    CertificateChainRootNotTrusted = 1405,
    /// <summary>"certificate chain invalid": a link does not verify (bad signature, not a CA, path length).</summary>
    CertificateChainInvalid = 1406,
    /// <summary>"key not trusted at signing time": the signing time lies outside the key's trusted window (a rotated key).</summary>
    KeyNotTrustedAtSigningTime = 1407,
    /// <summary>"certificate expired": a certificate of the chain had expired at the signing time.</summary>
    CertificateExpired = 1408,
    /// <summary>"certificate not yet valid": a certificate of the chain was not yet valid at the signing time.</summary>
    CertificateNotYetValid = 1409,
    /// <summary>"certificate not valid for code signing": the leaf's key usage or extended key usage does not allow signing.</summary>
    CertificateUsageInvalid = 1410,
    /// <summary>"issuer not trusted": the key's issuer is not approved (or revoked), or is not the one the policy expects.</summary>
    IssuerNotTrusted = 1411,
    /// <summary>"algorithm not supported": no installed crypto provider verifies the signature's algorithm.</summary>
    AlgorithmNotSupported = 1412,
    /// <summary>"subject digest mismatch": the attestation is not about the digest the caller expected.</summary>
    SubjectDigestMismatch = 1413,
    /// <summary>"timestamp invalid": an RFC 3161 timestamp does not verify, covers other data, or its authority is not trusted.</summary>
    TimestampInvalid = 1414,
    /// <summary>"transparency log entry missing": the policy requires log entries this verifier cannot yet check.</summary>
    TransparencyLogEntryMissing = 1415,
    /// <summary>A certificate or public key was not added to the trust store: the message says why (not a CA, expired, unreadable).</summary>
    TrustAnchorRefused = 1450,
    /// <summary>No trust anchor has that id (fingerprint or key id). Not the verification cause "trust anchor not found" (TrustAnchorNotFound).</summary>
    TrustAnchorIdNotFound = 1451,
    /// <summary>A key certificate (leaf + chain) was refused: it does not carry the key's public key, or it cannot be read.</summary>
    KeyCertificateRefused = 1452,
    /// <summary>The key has no certificate stored yet (Set-StellaKeyCertificate).</summary>
    KeyCertificateNotFound = 1453,
    // 1454 is not used: a broken chain is CertificateChainInvalid (1406), for the trust cmdlets and the verifier alike.
    /// <summary>No issuer has that id.</summary>
    IssuerNotFound = 1455,
    /// <summary>An issuer document was refused: not signed by a key already trusted for that issuer, malformed, or for another issuer.</summary>
    IssuerDocumentRefused = 1456,
    /// <summary>An issuer document is older than (or the same version as) the one already accepted: a replay, refused.</summary>
    IssuerDocumentReplayed = 1457,
    // The TUF client (shared/StellaOps.Ops.Tuf): the message names the role and the check; the target is the role.
    /// <summary>A root metadata file is malformed, not signed by its own threshold, or not a valid next version of the trusted root.</summary>
    TufRootInvalid = 1501,
    /// <summary>Metadata does not carry signatures from enough distinct trusted keys of its role (duplicate keys and signatures count once).</summary>
    TufThresholdNotMet = 1502,
    /// <summary>Metadata older than what the client already trusts (version went down, or a role vanished from snapshot): a rollback attack, refused.</summary>
    TufRollback = 1503,
    /// <summary>The newest metadata the repository serves for a role has expired (a freeze attack, or a repository that stopped signing).</summary>
    TufExpired = 1504,
    /// <summary>A file's hash differs from the one its trusted parent role lists.</summary>
    TufHashMismatch = 1505,
    /// <summary>A file is longer than its trusted length or than the client's size limit for it (endless data).</summary>
    TufLengthExceeded = 1506,
    /// <summary>No trusted targets role lists that target name.</summary>
    TufTargetNotFound = 1507,
    /// <summary>Metadata is malformed: not canonical-JSON-compatible, a wrong type, missing fields, an unsupported spec version.</summary>
    TufMetadataInvalid = 1508,
    /// <summary>Metadata has another version than the one its parent role lists (timestamp → snapshot, snapshot → targets): mix-and-match, refused.</summary>
    TufVersionMismatch = 1509,
    /// <summary>A role the workflow needs is not listed by its parent (snapshot does not list a targets file, a delegation is missing).</summary>
    TufRoleNotListed = 1510,
    /// <summary>The repository could not be reached or answered with an error.</summary>
    TufFetchFailed = 1511,
    /// <summary>The client has no trusted root yet: initialise it with a root file.</summary>
    TufNotInitialized = 1512,
    /// <summary>A file in the local TUF cache is refused: its directory or file could be swapped by someone else, or it no longer verifies.</summary>
    TufCacheUntrusted = 1513,
    /// <summary>The clock is earlier than the last successful refresh: refused until the clock is right.</summary>
    TufClockRolledBack = 1514,
    /// <summary>The target search visited the maximum number of delegated roles before finding the target.</summary>
    TufDelegationLimitReached = 1515,
    /// <summary>The repository did not answer within the time limit.</summary>
    TufTimeout = 1516,
    /// <summary>The operation is not valid in the client's current state (a file loaded out of workflow order).</summary>
    TufWorkflowViolation = 1517,
    /// <summary>Trust sync (TUF) is not initialised on this daemon: run 'stella trust init --tuf-url URL --root root.json'.</summary>
    TrustNotConfigured = 1540,
    /// <summary>Trust sync is already initialised; moving to another repository needs --force (and keeps the trusted root).</summary>
    TrustAlreadyInitialized = 1541,
    /// <summary>TUF metadata or a target failed verification (signature, threshold, version, hash, length, expiry): the message says which role and why.</summary>
    TrustMetadataInvalid = 1542,
    /// <summary>The TUF repository could not be reached; the last good metadata is still served until it expires.</summary>
    TrustRepositoryUnavailable = 1543,
    /// <summary>The last good TUF metadata has expired and the repository cannot be reached: refused unless --allow-stale within --max-age.</summary>
    TrustMetadataStale = 1544,
    /// <summary>A Sigstore trusted_root.json or signing_config.v0.2.json does not parse or validate: the message names the field.</summary>
    TrustMaterialInvalid = 1545,
    /// <summary>A trust snapshot bundle is malformed, its manifest's hashes do not match, or it does not verify against the trusted root.</summary>
    TrustSnapshotInvalid = 1546,
    /// <summary>The new metadata changes the trusted root (a rotation): allowed only with --force and a valid rotation chain.</summary>
    TrustRootChangeNeedsForce = 1547,
    /// <summary>The signing config names too few services usable now for its selector (EXACT count, or none valid).</summary>
    TrustServiceSelectionFailed = 1548,
    /// <summary>The trust cache (TUF metadata, targets, roots, repository.json under the state directory's tuf/) could not be written: a read-only or full file system, an immutable attribute. What was trusted before stays served; the audit records the failure.</summary>
    TrustCacheWriteFailed = 1549,
    /// <summary>No transparency log is configured (no signing config lists a Rekor log this daemon supports): attestations stay Signed.</summary>
    TransparencyLogNotConfigured = 1601,
    /// <summary>A transparency log did not take an entry (unavailable, rate limited, circuit open, refused): the attestation stays queued.</summary>
    TransparencyLogSubmissionFailed = 1602,
    /// <summary>A log's answer did not verify (forged proof, wrong log key, entry for other content, key not valid then): rejected, the attestation stays queued.</summary>
    TransparencyLogEntryRejected = 1603,
    /// <summary>No configured transparency log backend has that name or URL.</summary>
    TransparencyLogBackendNotFound = 1604,
    /// <summary>A Rekor search's window is invalid (after is not before before, or wider than the limit).</summary>
    TransparencyLogSearchInvalid = 1605,
    /// <summary>A transparency log's tree is not an append-only extension of the checkpoint the daemon verified before (a fork, a rewritten or shrunk history): nothing it served is used.</summary>
    TransparencyLogInconsistent = 1606,
    /// <summary>A transparency log's checkpoint, or an entry it served, does not verify with the log's key in the trusted root: nothing it served is used.</summary>
    TransparencyLogCheckpointInvalid = 1607,
    /// <summary>The service manager (systemd, the Windows service controller or task scheduler) refused or failed an action on a unit: the message says what it answered.</summary>
    ServiceControlFailed = 1026,
    /// <summary>No service manager to ask: systemd is not running here, or the system bus cannot be reached.</summary>
    ServiceManagerUnavailable = 1027,
    /// <summary>No scheduled check has that name (Get-StellaScheduledCheck lists them).</summary>
    ScheduledCheckNotFound = 1028,
    // TUF repository administration (shared/StellaOps.Ops.Tuf/Repository, the repository scripts): nothing is written that a client would refuse.
    /// <summary>The directory is not a TUF repository made by tuf-ceremony init (no tuf-repository.json), or its configuration or metadata is malformed.</summary>
    TufRepositoryInvalid = 1580,
    /// <summary>Metadata is not signed by enough of its role's keys (a root rotation: by the old and the new root's thresholds); it stays pending.</summary>
    TufRepositoryThresholdNotMet = 1581,
    /// <summary>Metadata has expired, or expires later than the repository's expiry policy for its role allows.</summary>
    TufRepositoryExpiryInvalid = 1582,
    /// <summary>A version does not increase over the published one, or a new root is not the published root's version + 1.</summary>
    TufRepositoryVersionInvalid = 1583,
    /// <summary>A key is listed under an id that is not the spec key id of the key.</summary>
    TufRepositoryKeyIdMismatch = 1584,
    /// <summary>timestamp, snapshot and targets disagree (a version, length or hash one lists is not the other's), or a listed file is missing.</summary>
    TufRepositoryOutOfStep = 1585,
    /// <summary>A private key could not be used: its file is missing, unreadable by policy, or the password is wrong.</summary>
    TufRepositoryKeyUnavailable = 1586,
    /// <summary>Nothing is pending, or a pending file is not this repository's next metadata.</summary>
    TufRepositoryPendingInvalid = 1587,
    /// <summary>A Sigstore target edit was refused: the named key or URL is not there, or the edited document does not validate.</summary>
    TufRepositoryTargetEditInvalid = 1588,
    /// <summary>The publish directory is not safe to write (a link, another owner, writable by others) or a copy failed.</summary>
    TufRepositoryPublishFailed = 1589,
    /// <summary>No password source: give -PasswordEnvironmentVariable / -PasswordFile (scripts) or run interactively.</summary>
    TufRepositoryPasswordMissing = 1590,
    /// <summary>A root key's PKCS#11 token cannot be used: the module or token is not found, the PIN is refused, or the key is not on it.</summary>
    TufRepositoryTokenUnavailable = 1591,
    /// <summary>No PIN source for a root key's token: give -PinEnvironmentVariable / -PinFile (scripts) or run interactively.</summary>
    TufRepositoryTokenPinMissing = 1592,
}
