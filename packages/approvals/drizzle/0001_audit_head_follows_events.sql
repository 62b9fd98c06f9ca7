-- The chain head follows each appended event inside the INSERT itself, so an append after a
-- known head is one statement (libSQL's native binding keeps a few KB per prepared statement).
CREATE TRIGGER `audit_head_follows_events` AFTER INSERT ON `audit_events`
BEGIN
  INSERT INTO `audit_head` (`id`, `last_seq`, `last_hash`) VALUES (1, NEW.`seq`, NEW.`hash`)
    ON CONFLICT (`id`) DO UPDATE SET `last_seq` = excluded.`last_seq`, `last_hash` = excluded.`last_hash`;
END;
