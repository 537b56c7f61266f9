-- The certificate family: CA certificates, device certificates with the
-- intermediate CAs they were registered with, and the principals attached to
-- things. The fields derived from each certificate are columns, so that audits
-- read them without parsing. Device certificates are clustered by account
-- (WITHOUT ROWID), so that the audit's scan of an account's certificates reads
-- its rows in sequence, and their DER lives in its own table so that those rows
-- stay narrow.

CREATE TABLE ca_certificates (
    account_id              TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id                      TEXT NOT NULL,   -- hex SHA-256 of der
    status                  TEXT NOT NULL,
    mode                    TEXT NOT NULL,
    auto_registration       INTEGER NOT NULL,
    template_name           TEXT,            -- NULL: none
    template_body           TEXT,
    role_arn                TEXT,
    raw_subject             BLOB NOT NULL,
    der                     BLOB NOT NULL,
    created_at              INTEGER NOT NULL,
    last_modified_at        INTEGER NOT NULL,
    customer_version        INTEGER NOT NULL,
    generation_id           TEXT NOT NULL,
    not_before              INTEGER NOT NULL,
    not_after               INTEGER NOT NULL,
    key_algorithm           TEXT NOT NULL,
    key_bits                INTEGER NOT NULL,
    issuer                  TEXT NOT NULL,
    subject                 TEXT NOT NULL,
    serial_hex              TEXT NOT NULL,
    authority_key_id        TEXT NOT NULL,
    subject_key_id          TEXT NOT NULL,
    crl_distribution_points TEXT NOT NULL,   -- JSON array of URLs
    roca_vulnerable         INTEGER NOT NULL,
    weak_key_fingerprint    TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
) STRICT;

-- ListCACertificates, with and without its template filter.
CREATE INDEX ca_certificates_created ON ca_certificates (account_id, created_at, id);
CREATE INDEX ca_certificates_template ON ca_certificates (account_id, template_name, created_at, id)
    WHERE template_name IS NOT NULL;
-- The CAs that may have signed a device certificate: subject = its issuer.
CREATE INDEX ca_certificates_subject ON ca_certificates (account_id, raw_subject);

CREATE TABLE certificates (
    account_id              TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id                      TEXT NOT NULL,   -- hex SHA-256 of the DER
    ca_certificate_id       TEXT,            -- NULL: no registered CA
    status                  TEXT NOT NULL,
    mode                    TEXT NOT NULL,
    created_at              INTEGER NOT NULL,
    last_modified_at        INTEGER NOT NULL,
    customer_version        INTEGER NOT NULL,
    generation_id           TEXT NOT NULL,
    not_before              INTEGER NOT NULL,
    not_after               INTEGER NOT NULL,
    key_algorithm           TEXT NOT NULL,
    key_bits                INTEGER NOT NULL,
    issuer                  TEXT NOT NULL,
    subject                 TEXT NOT NULL,
    serial_hex              TEXT NOT NULL,
    authority_key_id        TEXT NOT NULL,
    subject_key_id          TEXT NOT NULL,
    crl_distribution_points TEXT NOT NULL,   -- JSON array of URLs
    roca_vulnerable         INTEGER NOT NULL,
    weak_key_fingerprint    TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
) STRICT, WITHOUT ROWID;

-- ListCertificates and ListCertificatesByCA, by creation time. No index on
-- status: the audit reads most of an account's certificates, faster in the
-- table's own order than through an index.
CREATE INDEX certificates_created ON certificates (account_id, created_at, id);
CREATE INDEX certificates_ca ON certificates (account_id, ca_certificate_id, created_at, id)
    WHERE ca_certificate_id IS NOT NULL;

CREATE TABLE certificate_ders (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    der        BLOB NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, id) REFERENCES certificates (account_id, id) ON DELETE CASCADE
) STRICT;

-- Intermediate CA certificates sent after device certificates, each kept once.
CREATE TABLE chain_certificates (
    account_id              TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id                      TEXT NOT NULL,
    der                     BLOB NOT NULL,
    not_before              INTEGER NOT NULL,
    not_after               INTEGER NOT NULL,
    key_algorithm           TEXT NOT NULL,
    key_bits                INTEGER NOT NULL,
    issuer                  TEXT NOT NULL,
    subject                 TEXT NOT NULL,
    serial_hex              TEXT NOT NULL,
    authority_key_id        TEXT NOT NULL,
    subject_key_id          TEXT NOT NULL,
    crl_distribution_points TEXT NOT NULL,
    roca_vulnerable         INTEGER NOT NULL,
    weak_key_fingerprint    TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
) STRICT;

-- A device certificate's chain: position 0 is the certificate right after the
-- leaf in its PEM.
CREATE TABLE certificate_chain_links (
    account_id           TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    certificate_id       TEXT NOT NULL,
    position             INTEGER NOT NULL,
    chain_certificate_id TEXT NOT NULL,
    PRIMARY KEY (account_id, certificate_id, position),
    FOREIGN KEY (account_id, certificate_id) REFERENCES certificates (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, chain_certificate_id) REFERENCES chain_certificates (account_id, id)
) STRICT, WITHOUT ROWID;

-- Whether a chain certificate is still named by some device certificate.
CREATE INDEX certificate_chain_links_chain ON certificate_chain_links (account_id, chain_certificate_id);

CREATE TABLE thing_principals (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    thing_name  TEXT NOT NULL,
    principal   TEXT NOT NULL,
    type        TEXT NOT NULL,
    attached_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, thing_name, principal)
) STRICT, WITHOUT ROWID;

-- ListPrincipalThings, and whether a certificate is attached to any thing.
CREATE INDEX thing_principals_principal ON thing_principals (account_id, principal, thing_name);
