-- Every token ever issued, revoked and expired ones too, oldest first.
select token_id, role, label, created_at, expires_at, revoked_at
from api.tokens
order by token_id
