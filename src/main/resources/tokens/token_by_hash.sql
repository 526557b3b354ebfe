-- The token a request presented, found by its hash (none: never issued here).
-- params: 1 token_hash
select token_id, role, label, created_at, expires_at, revoked_at
from api.tokens
where token_hash = ?
