-- Data the audit checks read beyond the registry: CRLs uploaded through the
-- extension API, and device connection records (AWS IoT lifecycle events).

-- One CRL per issuer and key: a newer upload replaces the row.
CREATE TABLE uploaded_crls (
    account_id            TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    issuer                TEXT NOT NULL,    -- RFC 2253
    authority_key_id      TEXT NOT NULL,    -- hex, '' when the CRL names none
    issuer_certificate_id TEXT NOT NULL,    -- the certificate that verified it
    this_update           INTEGER NOT NULL,
    next_update           INTEGER,          -- NULL when the CRL names none
    number                TEXT NOT NULL,    -- cRLNumber in decimal, '' when absent
    der                   BLOB NOT NULL,
    uploaded_at           INTEGER NOT NULL,
    PRIMARY KEY (account_id, issuer, authority_key_id)
) STRICT;

-- The revoked serials of each uploaded CRL, so that audits never parse it again.
CREATE TABLE uploaded_crl_serials (
    account_id       TEXT NOT NULL,
    issuer           TEXT NOT NULL,
    authority_key_id TEXT NOT NULL,
    serial_hex       TEXT NOT NULL,
    PRIMARY KEY (account_id, issuer, authority_key_id, serial_hex),
    FOREIGN KEY (account_id, issuer, authority_key_id)
        REFERENCES uploaded_crls (account_id, issuer, authority_key_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Connection records. The primary key clusters them by principal and time, the
-- order of the shared-certificate check's scan; it also keeps a lifecycle event
-- delivered twice once.
CREATE TABLE connection_events (
    account_id        TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    principal         TEXT NOT NULL,
    timestamp         INTEGER NOT NULL,     -- unix milliseconds
    client_id         TEXT NOT NULL,
    session_id        TEXT NOT NULL,
    event_type        TEXT NOT NULL,        -- connected | disconnected
    ip_address        TEXT NOT NULL,
    disconnect_reason TEXT NOT NULL,        -- '' for connections
    version_number    INTEGER NOT NULL,
    PRIMARY KEY (account_id, principal, timestamp, client_id, session_id, event_type)
) STRICT, WITHOUT ROWID;

-- The distinct client ids of a window (conflicting client ids: resources
-- evaluated), read from the index alone.
CREATE INDEX connection_events_client ON connection_events (account_id, client_id, timestamp);

-- Client ids taken over by another connection, by client id and time.
CREATE INDEX connection_events_takeovers ON connection_events (account_id, client_id, timestamp)
    WHERE disconnect_reason = 'DUPLICATE_CLIENTID';

-- The distinct CRL distribution points of the device certificates, read from
-- the index alone.
CREATE INDEX certificates_crl_distribution_points ON certificates (account_id, crl_distribution_points, status)
    WHERE crl_distribution_points <> '[]';
