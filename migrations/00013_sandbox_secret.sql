-- +goose Up
-- The key from which the sandbox derives each reader role's login password (HMAC-SHA256 of the
-- role's name). Only the platform's own role can read it: reader roles have no USAGE on this schema.
CREATE TABLE sandbox_secret (
    id     boolean PRIMARY KEY DEFAULT true CHECK (id),
    secret bytea NOT NULL
);
-- gen_random_uuid draws from the server's strong random source; two of them give 244 random bits.
INSERT INTO sandbox_secret (secret)
VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
REVOKE ALL ON sandbox_secret FROM PUBLIC;

-- +goose Down
DROP TABLE sandbox_secret;
