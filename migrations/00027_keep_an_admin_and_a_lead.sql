-- +goose Up
-- Two invariants that concurrent edits could break between a check and a commit are the database's
-- own: an enabled admin remains, and a project that has a lead keeps one. Each is checked when the
-- transaction that removed an admin (or a lead) commits, after a lock that makes such transactions
-- take turns, so the check sees every removal committed before it (each statement of a PL/pgSQL
-- function reads a fresh snapshot under READ COMMITTED).

-- +goose StatementBegin
CREATE FUNCTION keep_an_admin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('goldset.admins', 0));
    IF NOT EXISTS (SELECT 1 FROM users WHERE is_admin AND NOT disabled) THEN
        RAISE EXCEPTION 'the last enabled admin cannot be demoted, disabled or removed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'users_keep_an_admin';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER users_keep_an_admin AFTER UPDATE OF is_admin, disabled ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.is_admin AND NOT OLD.disabled AND (NOT NEW.is_admin OR NEW.disabled))
    EXECUTE FUNCTION keep_an_admin();
CREATE CONSTRAINT TRIGGER users_keep_an_admin_on_delete AFTER DELETE ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.is_admin AND NOT OLD.disabled)
    EXECUTE FUNCTION keep_an_admin();

-- +goose StatementBegin
CREATE FUNCTION keep_a_lead() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('goldset.leads', OLD.project_id));
    -- A project deleted with its memberships needs no lead.
    IF EXISTS (SELECT 1 FROM projects WHERE id = OLD.project_id)
        AND NOT EXISTS (SELECT 1 FROM memberships WHERE project_id = OLD.project_id AND role = 'lead') THEN
        RAISE EXCEPTION 'project % would have no lead', OLD.project_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'memberships_keep_a_lead';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER memberships_keep_a_lead AFTER UPDATE OF role ON memberships
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.role = 'lead' AND NEW.role <> 'lead')
    EXECUTE FUNCTION keep_a_lead();
CREATE CONSTRAINT TRIGGER memberships_keep_a_lead_on_delete AFTER DELETE ON memberships
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.role = 'lead')
    EXECUTE FUNCTION keep_a_lead();

-- +goose Down
DROP TRIGGER memberships_keep_a_lead_on_delete ON memberships;
DROP TRIGGER memberships_keep_a_lead ON memberships;
DROP FUNCTION keep_a_lead();
DROP TRIGGER users_keep_an_admin_on_delete ON users;
DROP TRIGGER users_keep_an_admin ON users;
DROP FUNCTION keep_an_admin();
