package store

// CertificateReader reads the certificate family of resources.
type CertificateReader interface {
}

// CertificateWriter writes the certificate family of resources.
type CertificateWriter interface {
}
