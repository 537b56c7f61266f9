package registry

import (
	"context"
	"errors"
	"time"

	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// certificateARN returns the ARN of a device certificate: the principal ARN of
// AttachThingPrincipal and AttachPolicy.
func (r *Registry) certificateARN(account, id string) string { return r.arn(account, "cert/"+id) }

// CertificateARN is certificateARN for the other families and the server.
func (r *Registry) CertificateARN(account, id string) string { return r.certificateARN(account, id) }

// certificateNow is the time of a certificate change, at the millisecond
// precision the store keeps.
func (r *Registry) certificateNow() time.Time {
	return r.clock.Now().UTC().Truncate(time.Millisecond)
}

// newCertificate returns the registry record of a parsed device certificate.
func (r *Registry) newCertificate(p *certs.Certificate, status iot.CertificateStatus, mode iot.CertificateMode, caID string) iot.Certificate {
	now := r.certificateNow()
	return iot.Certificate{
		ID:              p.ID,
		CAID:            caID,
		Status:          status,
		Mode:            mode,
		DER:             p.DER,
		CreatedAt:       now,
		LastModifiedAt:  now,
		CustomerVersion: 1,
		GenerationID:    r.ids.UUID(),
		X509:            x509Facts(p),
	}
}

// x509Facts returns what the registry keeps of a parsed certificate.
func x509Facts(p *certs.Certificate) iot.X509Facts {
	return iot.X509Facts{
		NotBefore:             p.NotBefore.UTC(),
		NotAfter:              p.NotAfter.UTC(),
		KeyAlgorithm:          p.KeyAlgorithm,
		KeyBits:               p.KeyBits,
		Subject:               p.Subject,
		Issuer:                p.Issuer,
		SerialHex:             p.SerialHex,
		AuthorityKeyID:        p.AuthorityKeyID,
		SubjectKeyID:          p.SubjectKeyID,
		CRLDistributionPoints: p.CRLDistributionPoints,
		ROCAVulnerable:        p.ROCAVulnerable,
		WeakKeyFingerprint:    p.WeakKeyFingerprint,
	}
}

// chainOf returns the certificates that followed the leaf in a registered PEM,
// each parsed for its facts, leaving out the registered CA (caID) when the PEM
// repeats it. It sets c.Chain to their ids.
func chainOf(p *certs.Certificate, c *iot.Certificate) ([]iot.ChainCertificate, error) {
	var chain []iot.ChainCertificate
	for _, x := range p.Chain {
		cp, err := certs.Parse(x.Raw)
		if err != nil {
			return nil, err
		}
		if cp.ID == c.CAID {
			continue
		}
		chain = append(chain, iot.ChainCertificate{ID: cp.ID, DER: cp.DER, X509: x509Facts(cp)})
		c.Chain = append(c.Chain, cp.ID)
	}
	return chain, nil
}

// createCertificate stores a new device certificate in tx; a certificate
// already in the account is refused with its id and ARN.
func (r *Registry) createCertificate(ctx context.Context, tx store.Tx, c *iot.Certificate, chain []iot.ChainCertificate) error {
	c.ARN = r.certificateARN(tx.Account(), c.ID)
	created, err := tx.CreateCertificate(ctx, *c, chain)
	if err != nil {
		return err
	}
	if !created {
		return iot.Exists(c.ID, c.ARN, "The certificate is already provisioned or registered: %s.", c.ID)
	}
	return nil
}

// registrationStatus is the status a registered certificate starts in: status
// when given, else ACTIVE or INACTIVE by setAsActive. The statuses AWS IoT
// reserves for itself cannot be asked for.
func registrationStatus(status iot.CertificateStatus, setAsActive bool) (iot.CertificateStatus, error) {
	switch status {
	case "":
		if setAsActive {
			return iot.CertificateActive, nil
		}
		return iot.CertificateInactive, nil
	case iot.CertificatePendingTransfer, iot.CertificatePendingActivation:
		return "", iot.Errorf(iot.InvalidRequest,
			"A certificate cannot be registered with status %s: that status is set by AWS IoT only.", status)
	}
	return status, nil
}

// parseForRegistration parses a certificate PEM and applies AWS IoT's
// registration checks.
func (r *Registry) parseForRegistration(pem string) (*certs.Certificate, error) {
	p, err := certs.Parse([]byte(pem))
	if err != nil {
		return nil, err
	}
	if err := certs.ValidateForRegistration(p, r.clock.Now()); err != nil {
		return nil, err
	}
	return p, nil
}

// RegisterCertificateWithoutCA registers a device certificate whose CA is not
// registered: it is in SNI_ONLY mode. Its status defaults to INACTIVE.
func (r *Registry) RegisterCertificateWithoutCA(ctx context.Context, account, pem string, status iot.CertificateStatus) (iot.Certificate, error) {
	status, err := registrationStatus(status, false)
	if err != nil {
		return iot.Certificate{}, err
	}
	p, err := r.parseForRegistration(pem)
	if err != nil {
		return iot.Certificate{}, err
	}
	c := r.newCertificate(p, status, iot.CertificateModeSNIOnly, "")
	chain, err := chainOf(p, &c)
	if err != nil {
		return iot.Certificate{}, err
	}
	err = r.update(ctx, account, func(tx store.Tx) error { return r.createCertificate(ctx, tx, &c, chain) })
	return c, err
}

// RegisterCertificateRequest is the input of RegisterCertificate.
type RegisterCertificateRequest struct {
	CertificatePEM string
	// CAPEM is the registered CA that signed the certificate; "" lets the
	// registry find it by the certificate's issuer.
	CAPEM string
	// Status, when set, wins over SetAsActive (deprecated in the API).
	Status      iot.CertificateStatus
	SetAsActive bool
}

// RegisterCertificate registers a device certificate signed by a CA registered
// with the account, in the CA's mode.
func (r *Registry) RegisterCertificate(ctx context.Context, account string, req RegisterCertificateRequest) (iot.Certificate, error) {
	status, err := registrationStatus(req.Status, req.SetAsActive)
	if err != nil {
		return iot.Certificate{}, err
	}
	p, err := r.parseForRegistration(req.CertificatePEM)
	if err != nil {
		return iot.Certificate{}, err
	}
	var named *certs.Certificate
	if req.CAPEM != "" {
		if named, err = certs.Parse([]byte(req.CAPEM)); err != nil {
			return iot.Certificate{}, err
		}
	}
	var c iot.Certificate
	err = r.update(ctx, account, func(tx store.Tx) error {
		ca, err := signingCA(ctx, tx, p, named)
		if err != nil {
			return err
		}
		if ca.Status != iot.CACertificateActive {
			// AWS names CertificateStateException for RegisterCertificate without
			// saying when; an inactive CA is the state that fits [inferred].
			return iot.Errorf(iot.CertificateState,
				"The CA certificate %s is %s: activate it with UpdateCACertificate before registering certificates it signed.", ca.ID, ca.Status)
		}
		c = r.newCertificate(p, status, ca.Mode, ca.ID)
		chain, err := chainOf(p, &c)
		if err != nil {
			return err
		}
		return r.createCertificate(ctx, tx, &c, chain)
	})
	return c, err
}

// signingCA returns the registered CA that signed p: the named one, which must
// be registered and have signed it, or else the one registered CA whose
// subject is p's issuer and whose key verifies p's signature.
func signingCA(ctx context.Context, tx store.ReadTx, p, named *certs.Certificate) (iot.CACertificate, error) {
	if named != nil {
		ca, err := tx.CACertificate(ctx, named.ID)
		if errors.Is(err, store.ErrNotFound) {
			return iot.CACertificate{}, iot.Errorf(iot.CertificateValidation,
				"The CA certificate in caCertificatePem (%s) is not registered with this account: register it with RegisterCACertificate first.", named.ID)
		}
		if err != nil {
			return iot.CACertificate{}, err
		}
		if err := certs.VerifySignedBy(p, named.Leaf); err != nil {
			return iot.CACertificate{}, err
		}
		return ca, nil
	}
	candidates, err := tx.CACertificatesBySubject(ctx, p.RawIssuer)
	if err != nil {
		return iot.CACertificate{}, err
	}
	var signers []iot.CACertificate
	for _, ca := range candidates {
		caCert, err := certs.Parse(ca.DER)
		if err != nil {
			return iot.CACertificate{}, err
		}
		if certs.VerifySignedBy(p, caCert.Leaf) == nil {
			signers = append(signers, ca)
		}
	}
	switch len(signers) {
	case 1:
		return signers[0], nil
	case 0:
		return iot.CACertificate{}, iot.Errorf(iot.CertificateValidation,
			"No CA certificate registered with this account signed the certificate (issuer %q): register its CA with RegisterCACertificate, or use RegisterCertificateWithoutCA.", p.Issuer)
	default:
		return iot.CACertificate{}, iot.Errorf(iot.CertificateConflict,
			"Several registered CA certificates have the subject and key that signed the certificate (issuer %q): name the CA with caCertificatePem.", p.Issuer)
	}
}

// CreatedCertificate is a certificate iotdefender issued, with the key pair of
// CreateKeysAndCertificate (empty for CreateCertificateFromCsr).
type CreatedCertificate struct {
	Certificate   iot.Certificate
	PrivateKeyPEM string
	PublicKeyPEM  string
}

// CreateKeysAndCertificate issues a certificate for a new RSA-2048 key pair.
// The private key is returned here once and kept nowhere.
func (r *Registry) CreateKeysAndCertificate(ctx context.Context, account string, setAsActive bool) (CreatedCertificate, error) {
	key, err := r.keys.Get(ctx)
	if err != nil {
		return CreatedCertificate{}, err
	}
	der, err := r.authority.IssueForKey(&key.PublicKey, r.clock.Now())
	if err != nil {
		return CreatedCertificate{}, err
	}
	pub, err := certs.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		return CreatedCertificate{}, err
	}
	c, err := r.storeIssued(ctx, account, der, setAsActive)
	if err != nil {
		return CreatedCertificate{}, err
	}
	return CreatedCertificate{Certificate: c, PrivateKeyPEM: string(certs.EncodeRSAPrivateKeyPEM(key)), PublicKeyPEM: string(pub)}, nil
}

// CreateCertificateFromCSR issues a certificate for the key of a certificate
// signing request, with the request's subject.
func (r *Registry) CreateCertificateFromCSR(ctx context.Context, account, csrPEM string, setAsActive bool) (iot.Certificate, error) {
	der, err := r.authority.IssueForCSR([]byte(csrPEM), r.clock.Now())
	if err != nil {
		return iot.Certificate{}, err
	}
	return r.storeIssued(ctx, account, der, setAsActive)
}

// storeIssued registers a certificate this installation issued: DEFAULT mode,
// no registered CA.
func (r *Registry) storeIssued(ctx context.Context, account string, der []byte, setAsActive bool) (iot.Certificate, error) {
	p, err := certs.Parse(der)
	if err != nil {
		return iot.Certificate{}, err
	}
	status, _ := registrationStatus("", setAsActive)
	c := r.newCertificate(p, status, iot.CertificateModeDefault, "")
	err = r.update(ctx, account, func(tx store.Tx) error { return r.createCertificate(ctx, tx, &c, nil) })
	return c, err
}
