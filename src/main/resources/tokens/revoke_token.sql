-- Revokes a token that is still active (no row changed: no such token, or revoked already).
-- params: 1 revoked_at, 2 token_id
update api.tokens
set revoked_at = ?
where token_id = ? and revoked_at is null
