-- Cachet issuer schema, version 3: when a status entry changed. Status lists are published
-- on a fixed schedule: a list shows every change made before the start of the current
-- publication period, and none after, so all revocations of one period appear in one
-- update and a verifier cannot tell which of them belonged together. Entries flagged before
-- this version count as changed long ago.
ALTER TABLE status_entries ADD COLUMN changed_at INTEGER;
UPDATE status_entries SET changed_at = 0 WHERE status != 0;
