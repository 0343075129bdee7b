-- Cachet issuer schema, version 5: pseudonymous credentials (BBS). The BBS signing keys,
-- kept like the ES256 ones (rotated with them, a retired one published until what it
-- signed has expired); and per person the point of the commitment to their holder
-- secret and the nym entropy it was given. A person has one commitment (unique across
-- people) until an operator resets it, which `nym_resets` counts: a later issuance must
-- present the same commitment and gets the same entropy, so pseudonyms survive refresh
-- and a restored device, and nobody mints a second set without a counted reset.
CREATE TABLE bbs_keys (
    kid        TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    secret_key BLOB,           -- erased when the key is retired
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    last_exp   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE nym_holders (
    person_id  TEXT PRIMARY KEY REFERENCES persons(id),
    commitment BLOB NOT NULL UNIQUE,
    entropy    BLOB NOT NULL
) STRICT;

ALTER TABLE persons ADD COLUMN nym_resets INTEGER NOT NULL DEFAULT 0;
