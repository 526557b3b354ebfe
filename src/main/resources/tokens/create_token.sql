-- A new API token: only its hash is kept (the token itself is shown once, by `shopflow token create`).
-- params: 1 token_hash (sha-256 of the token), 2 role, 3 label, 4 created_at, 5 expires_at (null: never)
insert into api.tokens (token_hash, role, label, created_at, expires_at)
values (?, ?, ?, ?, ?)
returning token_id
