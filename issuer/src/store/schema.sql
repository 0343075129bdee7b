-- Cachet issuer schema, version 1. Applied once, in one transaction, by store::migrate.
-- What is kept, and why: persons (to issue and re-issue), offers and access grants (as
-- SHA-256 hashes of the codes and tokens, single use), the status index of every copy
-- (to revoke a person's copies), signing keys (with the last expiry they signed, so old
-- public keys stay published until nothing they signed is valid). No presentation ever
-- reaches the issuer, so there is nothing to log about where credentials are used.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    public_jwk  TEXT NOT NULL,
    private_jwk TEXT,          -- erased when the key is retired: it never signs again
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER,
    last_exp    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE persons (
    id         TEXT PRIMARY KEY,
    claims     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE offers (
    code_hash         BLOB PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES persons(id),
    configuration_ids TEXT NOT NULL,
    expires_at        INTEGER NOT NULL,
    redeemed_at       INTEGER
) STRICT;

CREATE TABLE access_grants (
    token_hash       BLOB NOT NULL,
    configuration_id TEXT NOT NULL,
    person_id        TEXT NOT NULL REFERENCES persons(id),
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER,
    PRIMARY KEY (token_hash, configuration_id)
) STRICT;

CREATE TABLE status_lists (
    id         INTEGER PRIMARY KEY,
    capacity   INTEGER NOT NULL,
    allocated  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE status_entries (
    list_id   INTEGER NOT NULL REFERENCES status_lists(id),
    idx       INTEGER NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(id),
    status    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (list_id, idx)
) STRICT;

CREATE INDEX status_entries_by_person ON status_entries(person_id);
