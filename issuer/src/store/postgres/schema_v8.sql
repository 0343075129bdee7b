-- Cachet issuer schema on PostgreSQL, version 8: one truth for many nodes. `single_use`
-- holds what must be spent once wherever it is presented, kept only until it expires: the
-- c_nonce values handed out for key proofs and the DPoP proof ids seen (`kind`), as
-- SHA-256 hashes. At most one signing key of each kind is active, whichever node rotates.
-- The flows' tables are swept by expiry, so that is indexed; `access_grants.used_at` goes
-- (a spent grant is deleted). The same version for SQLite is schema_v8.sql.
CREATE TABLE single_use (
    kind       TEXT NOT NULL,
    value_hash BYTEA NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (kind, value_hash)
);
CREATE INDEX single_use_by_expiry ON single_use(expires_at);

CREATE UNIQUE INDEX one_active_signing_key ON signing_keys((retired_at IS NULL))
    WHERE retired_at IS NULL;
CREATE UNIQUE INDEX one_active_bbs_key ON bbs_keys((retired_at IS NULL))
    WHERE retired_at IS NULL;

CREATE INDEX offers_by_expiry ON offers(expires_at);
CREATE INDEX access_grants_by_expiry ON access_grants(expires_at);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens(expires_at);

ALTER TABLE access_grants DROP COLUMN used_at;

-- Where each ES256 key's private half is: 'database' (sealed in sealed_private) or
-- 'pkcs11' (in the HSM token, as the object whose CKA_ID is the kid; the row holds
-- nothing private).
ALTER TABLE signing_keys ADD COLUMN held_by TEXT NOT NULL DEFAULT 'database';
