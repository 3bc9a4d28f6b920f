-- Kakehashi schema, version 1. Times are Unix nanoseconds (UTC).
CREATE TABLE departments (
	id        TEXT PRIMARY KEY,
	name      TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
	id             TEXT PRIMARY KEY,
	name           TEXT NOT NULL UNIQUE,
	display_name   TEXT NOT NULL,
	email          TEXT NOT NULL DEFAULT '',
	department_id  TEXT NOT NULL DEFAULT '',
	roles          TEXT NOT NULL DEFAULT '',
	supervisor_id  TEXT NOT NULL DEFAULT '',
	disabled       INTEGER NOT NULL DEFAULT 0,
	password_hash  TEXT NOT NULL,
	must_change    INTEGER NOT NULL DEFAULT 0,
	totp_secret    TEXT NOT NULL DEFAULT '',
	totp_last_step INTEGER NOT NULL DEFAULT 0,
	created        INTEGER NOT NULL
);

CREATE TABLE sessions (
	token_hash  TEXT PRIMARY KEY,
	user_id     TEXT NOT NULL REFERENCES users(id),
	zone        TEXT NOT NULL,
	api         INTEGER NOT NULL DEFAULT 0,
	name        TEXT NOT NULL DEFAULT '',
	scopes      TEXT NOT NULL DEFAULT '',
	csrf_secret BLOB NOT NULL,
	mfa_done    INTEGER NOT NULL DEFAULT 0,
	reauth_at   INTEGER NOT NULL DEFAULT 0,
	created     INTEGER NOT NULL,
	expires     INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires);

CREATE TABLE transfers (
	id          TEXT PRIMARY KEY,
	direction   TEXT NOT NULL,
	state       TEXT NOT NULL,
	sender_id   TEXT NOT NULL REFERENCES users(id),
	note        TEXT NOT NULL DEFAULT '',
	destination TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	reject_code TEXT NOT NULL DEFAULT '',
	created     INTEGER NOT NULL,
	updated     INTEGER NOT NULL,
	expires     INTEGER NOT NULL
);
CREATE INDEX transfers_sender ON transfers(sender_id, created);
CREATE INDEX transfers_expires ON transfers(expires);

CREATE TABLE transfer_recipients (
	transfer_id TEXT NOT NULL REFERENCES transfers(id),
	user_id     TEXT NOT NULL REFERENCES users(id),
	PRIMARY KEY (transfer_id, user_id)
);
CREATE INDEX transfer_recipients_user ON transfer_recipients(user_id);

CREATE TABLE files (
	id               TEXT PRIMARY KEY,
	transfer_id      TEXT NOT NULL REFERENCES transfers(id),
	seq              INTEGER NOT NULL,
	name             TEXT NOT NULL,
	size             INTEGER NOT NULL,
	sha256           TEXT NOT NULL,
	original_blob    TEXT NOT NULL,
	type             TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL,
	reason           TEXT NOT NULL DEFAULT '',
	reason_text      TEXT NOT NULL DEFAULT '',
	sanitized_blob   TEXT NOT NULL DEFAULT '',
	sanitized_name   TEXT NOT NULL DEFAULT '',
	sanitized_size   INTEGER NOT NULL DEFAULT 0,
	sanitized_sha256 TEXT NOT NULL DEFAULT '',
	report           BLOB,
	scans            BLOB,
	original_release INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_transfer ON files(transfer_id, seq);

CREATE TABLE approvals (
	id           TEXT PRIMARY KEY,
	kind         TEXT NOT NULL,
	transfer_id  TEXT NOT NULL REFERENCES transfers(id),
	file_id      TEXT NOT NULL DEFAULT '',
	requester_id TEXT NOT NULL REFERENCES users(id),
	reason       TEXT NOT NULL DEFAULT '',
	state        TEXT NOT NULL,
	stage        INTEGER NOT NULL DEFAULT 0,
	stages       TEXT NOT NULL,
	created      INTEGER NOT NULL,
	decided      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX approvals_transfer ON approvals(transfer_id);
CREATE INDEX approvals_state ON approvals(state);

-- The approvers of the current stage of each pending approval, so "what may
-- I decide" is one indexed query.
CREATE TABLE approval_approvers (
	approval_id TEXT NOT NULL REFERENCES approvals(id),
	stage       INTEGER NOT NULL,
	approver_id TEXT NOT NULL,
	PRIMARY KEY (approval_id, stage, approver_id)
);
CREATE INDEX approval_approvers_user ON approval_approvers(approver_id);

CREATE TABLE decisions (
	approval_id  TEXT NOT NULL REFERENCES approvals(id),
	stage        INTEGER NOT NULL,
	approver_id  TEXT NOT NULL,
	on_behalf_of TEXT NOT NULL DEFAULT '',
	approve      INTEGER NOT NULL,
	comment      TEXT NOT NULL DEFAULT '',
	at           INTEGER NOT NULL
);
CREATE INDEX decisions_approval ON decisions(approval_id);

CREATE TABLE delegations (
	id          TEXT PRIMARY KEY,
	approver_id TEXT NOT NULL,
	delegate_id TEXT NOT NULL,
	starts      INTEGER NOT NULL,
	ends        INTEGER NOT NULL
);
CREATE INDEX delegations_delegate ON delegations(delegate_id);

CREATE TABLE exemptions (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	value      TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL,
	created    INTEGER NOT NULL
);

CREATE TABLE jobs (
	id          TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	ref         TEXT NOT NULL,
	state       TEXT NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	run_at      INTEGER NOT NULL,
	lease_until INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_due ON jobs(state, run_at);

CREATE TABLE audit (
	seq     INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	zone    TEXT NOT NULL,
	ip      TEXT NOT NULL,
	action  TEXT NOT NULL,
	object  TEXT NOT NULL,
	outcome TEXT NOT NULL,
	detail  TEXT NOT NULL,
	prev    TEXT NOT NULL,
	hash    TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_object ON audit(object);

-- The audit log is append-only: the database itself refuses edits, so a bug
-- in the gateway cannot rewrite history (tampering with the file directly is
-- caught by `kakehashi audit verify`).
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
