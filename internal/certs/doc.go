// Package certs holds everything iotdefender knows about X.509: parsing device
// and CA certificates once at registration (deriving the fields the registry
// stores and the audit reads), AWS's registration rules, the two key-quality
// tests of Device Defender (ROCA, CVE-2017-15361, and Debian weak keys,
// CVE-2008-0166), CRLs and their fetching, and the installation's own issuing
// CA for CreateKeysAndCertificate and CreateCertificateFromCsr.
package certs
