-- Cachet issuer schema, version 6: nothing readable at rest (see sealing.rs). Each person's
-- claims are sealed under a data key of their own (`sealed_claims`), stored wrapped by the
-- key-encryption key, which is not in the database (`person_key`); `lookup` is a keyed
-- hash of their identity (given name, family name, birthdate) that finds them for
-- revocation. Private ES256 keys are sealed by the key-encryption key (`sealed_private`),
-- and so are BBS secret keys, in `bbs_keys.secret_key` from this version on. The issuer
-- seals the rows of an older database in the same transaction, before version 7 drops the
-- plain columns.
ALTER TABLE persons ADD COLUMN sealed_claims BLOB;
ALTER TABLE persons ADD COLUMN person_key BLOB;
ALTER TABLE persons ADD COLUMN lookup BLOB;
CREATE INDEX persons_by_lookup ON persons(lookup);
ALTER TABLE signing_keys ADD COLUMN sealed_private BLOB;
