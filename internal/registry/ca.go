package registry

import (
	"context"
	"strings"

	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// maxCAsPerSubject is how many CA certificates with the same subject an account
// may register (AWS IoT API reference, RegisterCACertificate).
const maxCAsPerSubject = 10

func (r *Registry) caCertificateARN(account, id string) string { return r.arn(account, "cacert/"+id) }

// GetRegistrationCode returns the account's registration code: the common name
// of the verification certificates of RegisterCACertificate. It never changes.
func (r *Registry) GetRegistrationCode(ctx context.Context, account string) (string, error) {
	a, err := r.store.System().GetAccount(ctx, account)
	return a.RegistrationCode, err
}

// RegisterCACertificateRequest is the input of RegisterCACertificate.
type RegisterCACertificateRequest struct {
	CertificatePEM string
	// VerificationPEM proves possession of the CA's key in DEFAULT mode: a
	// certificate signed by the CA whose common name is the registration code.
	VerificationPEM       string
	Mode                  iot.CertificateMode // "" is DEFAULT
	SetAsActive           bool
	AllowAutoRegistration bool
	RegistrationConfig    iot.RegistrationConfig
	Tags                  []iot.Tag
}

// RegisterCACertificate registers a CA certificate with the account. Only the
// first certificate of its PEM is kept [inferred].
func (r *Registry) RegisterCACertificate(ctx context.Context, account string, req RegisterCACertificateRequest) (iot.CACertificate, error) {
	mode := req.Mode
	if mode == "" {
		mode = iot.CertificateModeDefault
	}
	switch {
	case mode == iot.CertificateModeDefault && req.VerificationPEM == "":
		return iot.CACertificate{}, iot.Errorf(iot.InvalidRequest,
			"A CA certificate registered in DEFAULT mode needs a verificationCertificate; register it in SNI_ONLY mode to do without one.")
	case mode == iot.CertificateModeSNIOnly && req.VerificationPEM != "":
		return iot.CACertificate{}, iot.Errorf(iot.InvalidRequest,
			"A CA certificate registered in SNI_ONLY mode takes no verificationCertificate.")
	}
	if err := checkRegistrationConfig(req.RegistrationConfig); err != nil {
		return iot.CACertificate{}, err
	}
	if err := checkTags(req.Tags); err != nil {
		return iot.CACertificate{}, err
	}
	p, err := r.parseForRegistration(req.CertificatePEM)
	if err != nil {
		return iot.CACertificate{}, err
	}
	if err := certs.ValidateCA(p); err != nil {
		return iot.CACertificate{}, err
	}
	if mode == iot.CertificateModeDefault {
		if err := r.verifyPossession(ctx, account, req.VerificationPEM, p); err != nil {
			return iot.CACertificate{}, err
		}
	}
	now := r.certificateNow()
	status := iot.CACertificateInactive
	if req.SetAsActive {
		status = iot.CACertificateActive
	}
	ca := iot.CACertificate{
		ID:                 p.ID,
		ARN:                r.caCertificateARN(account, p.ID),
		Status:             status,
		Mode:               mode,
		AutoRegistration:   req.AllowAutoRegistration,
		RegistrationConfig: req.RegistrationConfig,
		DER:                p.DER,
		RawSubject:         p.RawSubject,
		CreatedAt:          now,
		LastModifiedAt:     now,
		CustomerVersion:    1,
		GenerationID:       r.ids.UUID(),
		X509:               x509Facts(p),
	}
	err = r.update(ctx, account, func(tx store.Tx) error {
		sameSubject, err := tx.CACertificatesBySubject(ctx, ca.RawSubject)
		if err != nil {
			return err
		}
		for _, other := range sameSubject {
			if other.ID == ca.ID {
				return iot.Exists(ca.ID, ca.ARN, "The CA certificate is already registered: %s.", ca.ID)
			}
		}
		if len(sameSubject) >= maxCAsPerSubject {
			return iot.Errorf(iot.LimitExceeded,
				"An account can register at most %d CA certificates with the same subject (%s).", maxCAsPerSubject, p.Subject)
		}
		if _, err := tx.CreateCACertificate(ctx, ca); err != nil {
			return err
		}
		if len(req.Tags) == 0 {
			return nil
		}
		return tx.PutTags(ctx, ca.ARN, req.Tags)
	})
	return ca, err
}

// verifyPossession checks the verification certificate of a CA registered in
// DEFAULT mode.
func (r *Registry) verifyPossession(ctx context.Context, account, verificationPEM string, ca *certs.Certificate) error {
	v, err := r.parseForRegistration(verificationPEM)
	if err != nil {
		return err
	}
	code, err := r.GetRegistrationCode(ctx, account)
	if err != nil {
		return err
	}
	return certs.VerifyVerificationCertificate(v, ca, code)
}

// checkRegistrationConfig checks a just-in-time provisioning configuration: its
// template is given by name or inline, not both [inferred].
func checkRegistrationConfig(c iot.RegistrationConfig) error {
	if c.TemplateName != "" && c.TemplateBody != "" {
		return iot.Errorf(iot.InvalidRequest,
			"A registration config names a provisioning template (templateName) or gives one (templateBody), not both.")
	}
	return nil
}

// DescribeCACertificate returns a CA certificate with its DER.
func (r *Registry) DescribeCACertificate(ctx context.Context, account, id string) (iot.CACertificate, error) {
	id = strings.ToLower(id)
	var ca iot.CACertificate
	err := r.view(ctx, account, func(tx store.ReadTx) (err error) {
		ca, err = tx.CACertificate(ctx, id)
		return notFound(err, "CA certificate %s does not exist.", id)
	})
	ca.ARN = r.caCertificateARN(account, ca.ID)
	return ca, err
}

// UpdateCACertificateRequest is the input of UpdateCACertificate; zero fields
// change nothing.
type UpdateCACertificateRequest struct {
	ID               string
	Status           iot.CACertificateStatus
	AutoRegistration *bool
	// RegistrationConfig replaces the CA's configuration.
	RegistrationConfig *iot.RegistrationConfig
	// RemoveAutoRegistration removes the CA's registration config.
	RemoveAutoRegistration bool
}

// UpdateCACertificate changes a CA certificate's status, auto-registration
// status or registration config.
func (r *Registry) UpdateCACertificate(ctx context.Context, account string, req UpdateCACertificateRequest) error {
	return r.update(ctx, account, func(tx store.Tx) error { return r.UpdateCACertificateTx(ctx, tx, req) })
}

// DeleteCACertificate deletes an INACTIVE CA certificate and its tags. The
// device certificates registered with it stay, still naming it: AWS documents
// no conflict for them [inferred].
func (r *Registry) DeleteCACertificate(ctx context.Context, account, id string) error {
	id = strings.ToLower(id)
	return r.update(ctx, account, func(tx store.Tx) error {
		ca, err := tx.CACertificate(ctx, id)
		if err != nil {
			return notFound(err, "CA certificate %s does not exist.", id)
		}
		if ca.Status == iot.CACertificateActive {
			return iot.Errorf(iot.CertificateState,
				"CA certificate %s is ACTIVE: set it INACTIVE with UpdateCACertificate before deleting it.", id)
		}
		if err := tx.DeleteCACertificate(ctx, id); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, r.caCertificateARN(account, id))
	})
}

// ListCACertificatesRequest is the input of ListCACertificates.
type ListCACertificatesRequest struct {
	MarkerRequest
	// TemplateName lists only the CAs whose registration config names this
	// provisioning template.
	TemplateName string
}

// ListCACertificates lists CA certificates by creation date, newest first
// unless Ascending.
func (r *Registry) ListCACertificates(ctx context.Context, account string, req ListCACertificatesRequest) ([]iot.CACertificate, string, error) {
	scope := "cacertificates/" + orderScope(req.Ascending) + "/" + req.TemplateName
	p, err := r.markerPage(account, scope, req.MarkerRequest)
	if err != nil {
		return nil, "", err
	}
	var cas []iot.CACertificate
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) (err error) {
		cas, more, err = tx.CACertificates(ctx, store.CACertificateListing{Page: p, Ascending: req.Ascending, TemplateName: req.TemplateName})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	last := ""
	for i := range cas {
		cas[i].ARN = r.caCertificateARN(account, cas[i].ID)
		last = store.CreationKey(cas[i].CreatedAt, cas[i].ID)
	}
	return cas, r.nextMarker(account, scope, more, last), nil
}
