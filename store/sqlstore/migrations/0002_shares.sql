-- External sharing: download links and upload requests (受取依頼).
CREATE TABLE shares (
	id             TEXT PRIMARY KEY,
	token_hash     TEXT NOT NULL UNIQUE,
	transfer_id    TEXT NOT NULL REFERENCES transfers(id),
	sender_id      TEXT NOT NULL REFERENCES users(id),
	recipients     TEXT NOT NULL,
	expires        INTEGER NOT NULL,
	max_downloads  INTEGER NOT NULL DEFAULT 0,
	downloads      INTEGER NOT NULL DEFAULT 0,
	password_hash  TEXT NOT NULL DEFAULT '',
	require_otp    INTEGER NOT NULL DEFAULT 0,
	allowed_ips    TEXT NOT NULL DEFAULT '',
	notify_first   INTEGER NOT NULL DEFAULT 0,
	revoked        INTEGER NOT NULL DEFAULT 0,
	created        INTEGER NOT NULL,
	first_use      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX shares_sender ON shares(sender_id, created);

-- One-time codes mailed to a share's recipient; only their hash is kept.
CREATE TABLE share_codes (
	share_id  TEXT NOT NULL REFERENCES shares(id),
	email     TEXT NOT NULL,
	code_hash TEXT NOT NULL,
	expires   INTEGER NOT NULL,
	attempts  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (share_id, email)
);

-- Sessions of outside parties on a share's pages (no account).
CREATE TABLE share_sessions (
	token_hash  TEXT PRIMARY KEY,
	share_id    TEXT NOT NULL REFERENCES shares(id),
	email       TEXT NOT NULL DEFAULT '',
	password_ok INTEGER NOT NULL DEFAULT 0,
	otp_ok      INTEGER NOT NULL DEFAULT 0,
	expires     INTEGER NOT NULL
);

CREATE TABLE upload_requests (
	id           TEXT PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	requester_id TEXT NOT NULL REFERENCES users(id),
	note         TEXT NOT NULL DEFAULT '',
	expires      INTEGER NOT NULL,
	max_files    INTEGER NOT NULL,
	max_bytes    INTEGER NOT NULL,
	files        INTEGER NOT NULL DEFAULT 0,
	code_hash    TEXT NOT NULL DEFAULT '',
	revoked      INTEGER NOT NULL DEFAULT 0,
	created      INTEGER NOT NULL
);
CREATE INDEX upload_requests_requester ON upload_requests(requester_id, created);

-- Inbound transfers that came through an upload request name it, and what
-- the outside party said about themself (unverified).
ALTER TABLE transfers ADD COLUMN via TEXT NOT NULL DEFAULT '';
ALTER TABLE transfers ADD COLUMN external_sender TEXT NOT NULL DEFAULT '';
