-- Cachet issuer schema, version 2: refresh tokens. Redeeming an offer also returns a
-- refresh token (stored as its SHA-256 hash) that the wallet trades for a new access
-- token when its single-use copies run low; each use replaces it with a new one, and a
-- revoked person's tokens stop working. It tells the issuer that a wallet wants more
-- copies, never where any copy was shown.
CREATE TABLE refresh_tokens (
    token_hash        BLOB PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES persons(id),
    configuration_ids TEXT NOT NULL,
    expires_at        INTEGER NOT NULL
) STRICT;

CREATE INDEX refresh_tokens_by_person ON refresh_tokens(person_id);
