package certs

import (
	"crypto/x509"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// ValidateForRegistration applies the checks AWS IoT makes when a device or CA
// certificate is registered: inside its validity period at now, and a key AWS
// accepts. Errors are iot.CertificateValidation.
func ValidateForRegistration(c *Certificate, now time.Time) error {
	if now.Before(c.NotBefore) {
		return iot.Errorf(iot.CertificateValidation,
			"The certificate is not valid yet: its validity starts at %s.", c.NotBefore.UTC().Format(time.RFC3339))
	}
	if now.After(c.NotAfter) {
		return iot.Errorf(iot.CertificateValidation,
			"The certificate has expired: its validity ended at %s.", c.NotAfter.UTC().Format(time.RFC3339))
	}
	if problem := checkKey(c.Leaf.PublicKey); problem != "" {
		return iot.Errorf(iot.CertificateValidation, "The certificate's key is not accepted: %s.", problem)
	}
	return nil
}

// ValidateCA checks that a certificate offered as a CA certificate may sign
// others: BasicConstraints present with CA:TRUE, and keyCertSign allowed when
// the certificate restricts its key usage.
func ValidateCA(c *Certificate) error {
	if !c.IsCA {
		return iot.Errorf(iot.CertificateValidation,
			"The certificate is not a CA certificate: it needs the BasicConstraints extension with CA:TRUE.")
	}
	if ku := c.Leaf.KeyUsage; ku != 0 && ku&x509.KeyUsageCertSign == 0 {
		return iot.Errorf(iot.CertificateValidation,
			"The CA certificate's key usage does not allow signing certificates (keyCertSign).")
	}
	return nil
}

// VerifySignedBy checks that c was signed by the key of ca, a registered CA.
func VerifySignedBy(c *Certificate, ca *x509.Certificate) error {
	if err := c.Leaf.CheckSignatureFrom(ca); err != nil {
		return iot.Errorf(iot.CertificateValidation,
			"The certificate (issuer %q) is not signed by the CA certificate %q: %v", c.Issuer, ca.Subject.String(), err)
	}
	return nil
}

// VerifyVerificationCertificate checks the proof of possession that
// RegisterCACertificate asks for in DEFAULT mode: a certificate whose common
// name is the account's registration code, signed by the CA's private key.
func VerifyVerificationCertificate(verification, ca *Certificate, registrationCode string) error {
	if cn := verification.Leaf.Subject.CommonName; cn != registrationCode {
		return iot.Errorf(iot.RegistrationCodeValidation,
			"The verification certificate's common name %q is not this account's registration code.", cn)
	}
	if err := verification.Leaf.CheckSignatureFrom(ca.Leaf); err != nil {
		return iot.Errorf(iot.CertificateValidation,
			"The verification certificate is not signed by the CA certificate's private key: %v", err)
	}
	return nil
}
