package store

// AuditReader reads the audit's own records: account audit configuration, audit
// tasks and their check results, findings, suppressions, scheduled audits.
type AuditReader interface {
}

// AuditWriter writes the audit's own records.
type AuditWriter interface {
}
