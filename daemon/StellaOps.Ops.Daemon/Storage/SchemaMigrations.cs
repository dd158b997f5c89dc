namespace StellaOps.Ops.Daemon.Storage;

/// <summary>
/// The ordered schema history. Append only: a released migration is never edited, a change is a new entry.
/// Times are stored as ISO-8601 UTC text or Unix milliseconds (events, for range queries).
/// </summary>
public static class SchemaMigrations
{
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "initial", """
            CREATE TABLE schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL,
                binary_version TEXT NOT NULL
            );
            CREATE TABLE settings (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                changed_by TEXT NOT NULL,
                changed_at TEXT NOT NULL
            );
            CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                ts INTEGER NOT NULL,
                level INTEGER NOT NULL,
                component TEXT NOT NULL,
                category TEXT NOT NULL,
                message TEXT NOT NULL,
                exception TEXT,
                caller TEXT
            );
            CREATE INDEX events_ts ON events(ts);
            CREATE INDEX events_component_ts ON events(component, ts);
            """),
        new(2, "keys", """
            CREATE TABLE keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                algorithm TEXT NOT NULL,
                provider TEXT NOT NULL,
                purpose TEXT NOT NULL,
                status TEXT NOT NULL,
                spki BLOB NOT NULL,
                hsm_cka_id BLOB,
                sealed_private_key BLOB,
                location TEXT NOT NULL,
                created_at TEXT NOT NULL,
                not_before TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                activated_at TEXT,
                retired_at TEXT,
                revoked_at TEXT,
                revocation_reason TEXT,
                verify_until TEXT NOT NULL,
                replaced_by TEXT,
                replaces TEXT,
                published_at TEXT,
                alert_level INTEGER NOT NULL DEFAULT 0
            );
            -- The invariant the runbooks rely on: at most one active key per purpose and provider.
            CREATE UNIQUE INDEX keys_one_active ON keys(purpose, provider) WHERE status = 'Active';
            CREATE INDEX keys_name ON keys(name);
            CREATE TABLE key_events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                ts TEXT NOT NULL,
                key_id TEXT NOT NULL,
                event TEXT NOT NULL,
                detail TEXT NOT NULL,
                actor TEXT NOT NULL
            );
            CREATE INDEX key_events_key ON key_events(key_id, seq);
            """),
        // Evidence first: a statement row is committed before any signing; the envelope is added when signing works.
        // claimed_by marks a row a daemon process is signing right now (its instance id); a row left Pending by a crashed
        // process is released at start, so retry can take it. Transparency-log columns come in a later migration.
        new(3, "attestations", """
            CREATE TABLE attestations (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                predicate_type TEXT NOT NULL,
                subjects TEXT NOT NULL,
                statement BLOB NOT NULL,
                statement_digest TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                signed_at INTEGER,
                key_id TEXT,
                algorithm TEXT,
                envelope BLOB,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_attempt_at INTEGER,
                failure_code TEXT,
                failure_reason TEXT,
                claimed_by TEXT
            );
            CREATE INDEX attestations_created ON attestations(created_at);
            CREATE INDEX attestations_status_created ON attestations(status, created_at);
            CREATE TABLE attestation_subjects (
                attestation_id TEXT NOT NULL REFERENCES attestations(id),
                name TEXT NOT NULL,
                digest TEXT NOT NULL,
                predicate_type TEXT NOT NULL
            );
            CREATE INDEX attestation_subjects_digest ON attestation_subjects(digest, predicate_type);
            CREATE INDEX attestation_subjects_name ON attestation_subjects(name);
            CREATE TABLE attestation_events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                attestation_id TEXT NOT NULL,
                ts INTEGER NOT NULL,
                event TEXT NOT NULL,
                detail TEXT NOT NULL,
                key_id TEXT,
                actor TEXT NOT NULL
            );
            CREATE INDEX attestation_events_attestation ON attestation_events(attestation_id, seq);
            CREATE INDEX attestation_events_ts ON attestation_events(ts, event);
            -- Envelopes replaced by a re-signing, so a resign never loses the signature it replaced.
            CREATE TABLE attestation_envelopes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                attestation_id TEXT NOT NULL,
                key_id TEXT NOT NULL,
                envelope BLOB NOT NULL,
                signed_at INTEGER NOT NULL,
                replaced_at INTEGER NOT NULL
            );
            CREATE INDEX attestation_envelopes_attestation ON attestation_envelopes(attestation_id, seq);
            """),
        // Intent first for HSM key generation: the CKA_ID is recorded before C_GenerateKeyPair and the row removed once
        // the key's record is committed, so a crash in between leaves a row that says which objects to look for.
        new(4, "hsm_key_intents", """
            CREATE TABLE hsm_key_intents (
                cka_id BLOB PRIMARY KEY,
                name TEXT NOT NULL,
                algorithm TEXT NOT NULL,
                slot TEXT,
                requested_at TEXT NOT NULL,
                requested_by TEXT NOT NULL
            );
            """),
        // Each statement stored once: a signed attestation keeps its signature, and its envelope is the stored statement
        // with that signature (the envelope column, which carried the statement a second time, stays for rows signed
        // before). A failure keeps its error code and recommended action in their own columns (events and rows), so no
        // reader parses them back out of text; earlier failure events get their code from their "Code: reason" detail.
        new(5, "attestation_signature_and_error_codes", """
            ALTER TABLE attestations ADD COLUMN signature BLOB;
            ALTER TABLE attestations ADD COLUMN failure_action TEXT;
            ALTER TABLE attestation_events ADD COLUMN error_code TEXT;
            ALTER TABLE attestation_events ADD COLUMN error_action TEXT;
            UPDATE attestation_events SET error_code = substr(detail, 1, instr(detail, ': ') - 1), detail = substr(detail, instr(detail, ': ') + 2)
            WHERE event IN ('sign-failed', 'resign-failed') AND instr(detail, ': ') > 1;
            ALTER TABLE attestation_envelopes ADD COLUMN signature BLOB;
            """),
        // The trust store: CA roots, intermediates and bare public keys verification trusts. der holds the certificate
        // DER or, for a key, its SubjectPublicKeyInfo; a key's window is its not_before/not_after (null: unbounded).
        new(6, "trust_anchors", """
            CREATE TABLE trust_anchors (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                issuer TEXT NOT NULL,
                serial TEXT,
                algorithm TEXT,
                der BLOB NOT NULL,
                not_before TEXT,
                not_after TEXT,
                added_by TEXT NOT NULL,
                added_at TEXT NOT NULL
            );
            """),
        // A signing key's certificate from an admin's CA: the leaf (which carries the key's public key) and the
        // links above it, nearest first, as PEM.
        new(7, "key_certificates", """
            CREATE TABLE key_certificates (
                key_id TEXT PRIMARY KEY,
                leaf_der BLOB NOT NULL,
                chain_pem TEXT NOT NULL,
                set_by TEXT NOT NULL,
                set_at TEXT NOT NULL
            );
            """),
        // Issuers: named signer identities with the keys of their last accepted (signed) document, and the operators'
        // approvals. An issuer is trusted when enough different approvers approved after its last revocation.
        new(8, "issuers", """
            CREATE TABLE issuers (
                id TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                document_version INTEGER NOT NULL,
                document_issued_at TEXT NOT NULL,
                document_signed_by TEXT NOT NULL,
                document BLOB NOT NULL,
                fetched_at TEXT NOT NULL,
                fetched_by TEXT NOT NULL,
                revoked_at TEXT,
                revoked_by TEXT,
                revocation_reason TEXT
            );
            CREATE TABLE issuer_keys (
                issuer_id TEXT NOT NULL REFERENCES issuers(id),
                key_id TEXT NOT NULL,
                algorithm TEXT NOT NULL,
                spki BLOB NOT NULL,
                not_before TEXT,
                not_after TEXT,
                status TEXT NOT NULL,
                PRIMARY KEY (issuer_id, key_id)
            );
            CREATE TABLE issuer_approvals (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                issuer_id TEXT NOT NULL REFERENCES issuers(id),
                approver TEXT NOT NULL,
                approver_uid INTEGER NOT NULL,
                approved_at TEXT NOT NULL,
                reason TEXT NOT NULL
            );
            CREATE INDEX issuer_approvals_issuer ON issuer_approvals(issuer_id, seq);
            """),
        // The transparency-log outbox (a row per signed attestation still to log, written in the transaction that
        // records the signature) and the entries logged for each attestation, as the log answered them and verified.
        new(9, "tlog_outbox", """
            CREATE TABLE tlog_outbox (
                attestation_id TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                enqueued_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_attempt_at INTEGER,
                last_backend TEXT,
                last_error TEXT
            );
            CREATE INDEX tlog_outbox_enqueued ON tlog_outbox(enqueued_at);
            CREATE TABLE tlog_entries (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                attestation_id TEXT NOT NULL,
                backend TEXT NOT NULL,
                api_version INTEGER NOT NULL,
                log_id BLOB NOT NULL,
                log_index INTEGER NOT NULL,
                uuid TEXT,
                integrated_time INTEGER NOT NULL,
                entry BLOB NOT NULL,
                timestamp_token BLOB,
                signing_key_id TEXT NOT NULL,
                logged_at INTEGER NOT NULL,
                UNIQUE (attestation_id, log_id, log_index)
            );
            CREATE INDEX tlog_entries_logged ON tlog_entries(logged_at);
            """),
        // The checkpoints log searches (Search-StellaRekor -Log) verified, per backend and log (key), each larger than the
        // one before and proved consistent with it: the next search proves the log's head consistent with the newest, and
        // a window that begins after one was verified need not read the entries it covers (the newest 64 per log are kept
        // for that). Daemon state, not a record of what anyone did: written by readers' searches, not audited.
        new(10, "tlog_checkpoints", """
            CREATE TABLE tlog_checkpoints (
                backend TEXT NOT NULL,
                log_id BLOB NOT NULL,
                origin TEXT NOT NULL,
                tree_size INTEGER NOT NULL,
                root_hash BLOB NOT NULL,
                note BLOB NOT NULL,
                verified_at INTEGER NOT NULL,
                PRIMARY KEY (backend, log_id, tree_size)
            );
            """),
        // Audit intents: a mutating call whose effect is on files (which cannot join a transaction) writes its audit
        // event as "started" together with this row, what it is about to change; the completion event and the row's
        // delete are one transaction. A row left by a crash is settled at start against what is on disk.
        new(11, "audit_intents", """
            CREATE TABLE audit_intents (
                event_id INTEGER PRIMARY KEY,
                subject TEXT NOT NULL,
                action TEXT NOT NULL,
                caller TEXT NOT NULL,
                detail TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                intent TEXT NOT NULL
            );
            CREATE INDEX audit_intents_subject ON audit_intents(subject);
            """),
        // Subject digests are indexed by the first 16 hex characters of their value and compared whole after the
        // lookup: an entry of about 25 bytes instead of the whole digest and predicate type (about 120). Digests are
        // random, so each new attestation's entry lands on a page of its own; smaller entries keep the index in the
        // writer's cache for seven times as many attestations and split pages seven times less often. The expression
        // is AttestationStore.DigestPrefixOf's, written exactly alike, or SQLite does not use the index.
        new(12, "attestation_subjects_digest_prefix", """
            CREATE INDEX attestation_subjects_digest_prefix ON attestation_subjects(substr(digest, instr(digest, ':') + 1, 16));
            DROP INDEX attestation_subjects_digest;
            """),
    ];

    public static int Latest => All[^1].Version;
}
