-- Cachet issuer schema, version 7: the plain columns go, now that version 6's rows are
-- sealed (with secure_delete on, SQLite overwrites the old cells as it rewrites the
-- tables).
ALTER TABLE persons DROP COLUMN claims;
ALTER TABLE signing_keys DROP COLUMN private_jwk;
