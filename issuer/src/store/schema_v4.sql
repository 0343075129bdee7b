-- Cachet issuer schema, version 4: refresh tokens bound to a wallet key and rotated with
-- reuse detection. Every token belongs to a family (the grant of one offer) and carries the
-- thumbprint (jkt) of the DPoP key the wallet proved at redemption; a refresh needs a DPoP
-- proof by that key. A traded token stays as "spent" (its hash only) until the next trade,
-- so a token presented twice is noticed, and then the whole family ends. Every token of a
-- family expires with the family, so the rows say nothing about when refreshes happened.
-- Tokens from before this version were bare bearer grants: they are dropped (a wallet that
-- held one asks its issuer for a new offer).
DELETE FROM refresh_tokens;
ALTER TABLE refresh_tokens ADD COLUMN family BLOB NOT NULL DEFAULT x'';
ALTER TABLE refresh_tokens ADD COLUMN jkt TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN spent INTEGER NOT NULL DEFAULT 0;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family);
