package store

// AuditDataReader reads what the audit checks examine beyond the registry's own
// listings: uploaded CRLs, device connection records, and the streaming scans of
// certificates and policies the checks run over.
type AuditDataReader interface {
}

// AuditDataWriter writes the data the checks examine: uploaded CRLs and device
// connection records.
type AuditDataWriter interface {
}
