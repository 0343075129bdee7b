-- Cachet issuer schema, version 7: the plain columns go, now that version 6's rows are
-- sealed (with secure_delete on, SQLite overwrites the old cells as it rewrites the
-- tables). A redeemed offer is deleted at redemption from now on (its row told when the
-- person redeemed it): the ones kept as redeemed go, with the column.
ALTER TABLE persons DROP COLUMN claims;
DELETE FROM offers WHERE redeemed_at IS NOT NULL;
ALTER TABLE offers DROP COLUMN redeemed_at;
ALTER TABLE signing_keys DROP COLUMN private_jwk;
