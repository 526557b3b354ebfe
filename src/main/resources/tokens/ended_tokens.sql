-- Which of the open live-update streams' tokens have been revoked or have expired since.
-- params: 1 token ids (bigint[]), 2 now
select token_id
from api.tokens
where token_id = any (?) and (revoked_at is not null or expires_at <= ?)
