package registry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func TestGetRegistrationCode(t *testing.T) {
	e := newCertEnv(t)
	code, err := e.r.GetRegistrationCode(context.Background(), certAccount)
	if err != nil || code != certRegCode {
		t.Errorf("GetRegistrationCode = %q, %v; want %q", code, err, certRegCode)
	}
	other, err := e.r.GetRegistrationCode(context.Background(), certOtherAccount)
	if err != nil || other == code {
		t.Errorf("another account's code = %q, %v; want its own", other, err)
	}
}

func TestRegisterCACertificate(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	ca := newTestCA(t, certOpts{cn: "Fleet CA"})
	tags := []iot.Tag{{Key: "team", Value: "fleet"}}
	config := iot.RegistrationConfig{TemplateBody: `{"Resources":{}}`, RoleARN: "arn:aws:iam::123456789012:role/jitp"}
	got, err := e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{
		CertificatePEM: ca.pem, VerificationPEM: ca.verification(t, certRegCode),
		AllowAutoRegistration: true, RegistrationConfig: config, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	id := sha256Hex(ca.pem)
	want := iot.CACertificate{
		ID: id, ARN: "arn:aws:iot:eu-west-1:123456789012:cacert/" + id,
		Status: iot.CACertificateInactive, Mode: iot.CertificateModeDefault, AutoRegistration: true,
		RegistrationConfig: config, DER: ca.cert.Raw, RawSubject: ca.cert.RawSubject,
		CreatedAt: certT0, LastModifiedAt: certT0, CustomerVersion: 1, GenerationID: "00000000-0000-4000-8000-000000000001",
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(iot.CACertificate{}, "X509")); diff != "" {
		t.Errorf("registered (-want +got):\n%s", diff)
	}
	if got.X509.Subject != "CN=Fleet CA,O=iotdefender tests" || got.X509.KeyAlgorithm != "EC" {
		t.Errorf("X.509 facts = %+v", got.X509)
	}
	described, err := e.r.DescribeCACertificate(ctx, certAccount, id)
	if diff := cmp.Diff(got, described); err != nil || diff != "" {
		t.Errorf("described: %v (-registered +described):\n%s", err, diff)
	}
	e.view(t, func(tx store.ReadTx) error {
		stored, err := tx.Tags(ctx, want.ARN)
		if diff := cmp.Diff(tags, stored); diff != "" {
			t.Errorf("tags (-want +got):\n%s", diff)
		}
		return err
	})

	_, err = e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{
		CertificatePEM: ca.pem, VerificationPEM: ca.verification(t, certRegCode)})
	var de *iot.Error
	if !errors.As(err, &de) || de.Kind != iot.AlreadyExists || de.ResourceID != id || de.ResourceARN != want.ARN {
		t.Errorf("second registration: %#v, want AlreadyExists naming %s", err, id)
	}
	_, err = e.r.DescribeCACertificate(ctx, certOtherAccount, id)
	wantCertKind(t, err, iot.NotFound)
}

func TestRegisterCACertificateRefusals(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	ca := newTestCA(t, certOpts{})
	stranger := newTestCA(t, certOpts{})
	notCA := selfSigned(t, certOpts{cn: "not a CA"})
	expired := newTestCA(t, certOpts{notBefore: certT0.Add(-48 * time.Hour), notAfter: certT0.Add(-time.Hour)})
	weak := newTestCA(t, certOpts{key: rsaKey(t, 1024)})
	tests := []struct {
		name string
		req  RegisterCACertificateRequest
		want iot.Kind
	}{
		{"DEFAULT mode without verification", RegisterCACertificateRequest{CertificatePEM: ca.pem}, iot.InvalidRequest},
		{"SNI_ONLY mode with verification", RegisterCACertificateRequest{CertificatePEM: ca.pem, Mode: iot.CertificateModeSNIOnly,
			VerificationPEM: ca.verification(t, certRegCode)}, iot.InvalidRequest},
		{"verification for another code", RegisterCACertificateRequest{CertificatePEM: ca.pem,
			VerificationPEM: ca.verification(t, "another-code")}, iot.RegistrationCodeValidation},
		{"verification signed by another key", RegisterCACertificateRequest{CertificatePEM: ca.pem,
			VerificationPEM: stranger.verification(t, certRegCode)}, iot.CertificateValidation},
		{"not a CA certificate", RegisterCACertificateRequest{CertificatePEM: notCA, Mode: iot.CertificateModeSNIOnly}, iot.CertificateValidation},
		{"expired CA", RegisterCACertificateRequest{CertificatePEM: expired.pem, Mode: iot.CertificateModeSNIOnly}, iot.CertificateValidation},
		{"RSA-1024 CA", RegisterCACertificateRequest{CertificatePEM: weak.pem, Mode: iot.CertificateModeSNIOnly}, iot.CertificateValidation},
		{"template by name and body", RegisterCACertificateRequest{CertificatePEM: ca.pem, Mode: iot.CertificateModeSNIOnly,
			RegistrationConfig: iot.RegistrationConfig{TemplateName: "t", TemplateBody: "{}"}}, iot.InvalidRequest},
		{"reserved tag key", RegisterCACertificateRequest{CertificatePEM: ca.pem, Mode: iot.CertificateModeSNIOnly,
			Tags: []iot.Tag{{Key: "aws:owner", Value: "x"}}}, iot.InvalidRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.r.RegisterCACertificate(ctx, certAccount, tc.req)
			wantCertKind(t, err, tc.want)
		})
	}
	if cas, _, err := e.r.ListCACertificates(ctx, certAccount, ListCACertificatesRequest{}); err != nil || len(cas) != 0 {
		t.Errorf("after refusals: %d CA certificates, %v; want none", len(cas), err)
	}
}

func TestCAsPerSubjectLimit(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	for i := range maxCAsPerSubject {
		ca := newTestCA(t, certOpts{cn: "Same subject"})
		if _, err := e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{CertificatePEM: ca.pem, Mode: iot.CertificateModeSNIOnly}); err != nil {
			t.Fatalf("CA %d: %v", i+1, err)
		}
	}
	eleventh := newTestCA(t, certOpts{cn: "Same subject"})
	_, err := e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{CertificatePEM: eleventh.pem, Mode: iot.CertificateModeSNIOnly})
	wantCertKind(t, err, iot.LimitExceeded)
	if _, err := e.r.RegisterCACertificate(ctx, certOtherAccount, RegisterCACertificateRequest{CertificatePEM: eleventh.pem, Mode: iot.CertificateModeSNIOnly}); err != nil {
		t.Errorf("another account's first CA of that subject: %v", err)
	}
	other := newTestCA(t, certOpts{cn: "Another subject"})
	if _, err := e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{CertificatePEM: other.pem, Mode: iot.CertificateModeSNIOnly}); err != nil {
		t.Errorf("a CA of another subject: %v", err)
	}
}

func TestUpdateCACertificate(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	ca := e.registerCA(t, newTestCA(t, certOpts{}))
	yes, no := true, false
	tests := []struct {
		name    string
		req     UpdateCACertificateRequest
		want    func(c *iot.CACertificate) // the change expected, nil for none
		wantErr iot.Kind
	}{
		{"deactivate", UpdateCACertificateRequest{Status: iot.CACertificateInactive},
			func(c *iot.CACertificate) { c.Status = iot.CACertificateInactive }, ""},
		{"enable auto registration", UpdateCACertificateRequest{AutoRegistration: &yes},
			func(c *iot.CACertificate) { c.AutoRegistration = true }, ""},
		{"set a registration config", UpdateCACertificateRequest{RegistrationConfig: &iot.RegistrationConfig{TemplateName: "fleet"}},
			func(c *iot.CACertificate) { c.RegistrationConfig = iot.RegistrationConfig{TemplateName: "fleet"} }, ""},
		{"remove auto registration", UpdateCACertificateRequest{RemoveAutoRegistration: true},
			func(c *iot.CACertificate) { c.RegistrationConfig = iot.RegistrationConfig{} }, ""},
		{"activate and disable together", UpdateCACertificateRequest{Status: iot.CACertificateActive, AutoRegistration: &no},
			func(c *iot.CACertificate) { c.Status, c.AutoRegistration = iot.CACertificateActive, false }, ""},
		{"nothing to change", UpdateCACertificateRequest{Status: iot.CACertificateActive}, nil, ""},
		{"config and remove together", UpdateCACertificateRequest{RegistrationConfig: &iot.RegistrationConfig{TemplateName: "x"},
			RemoveAutoRegistration: true}, nil, iot.InvalidRequest},
		{"config with name and body", UpdateCACertificateRequest{RegistrationConfig: &iot.RegistrationConfig{TemplateName: "x", TemplateBody: "{}"}},
			nil, iot.InvalidRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.r.DescribeCACertificate(ctx, certAccount, ca.ID)
			e.clock.Advance(time.Second)
			req := tc.req
			req.ID = ca.ID
			err := e.r.UpdateCACertificate(ctx, certAccount, req)
			if tc.wantErr != "" {
				wantCertKind(t, err, tc.wantErr)
			} else if err != nil {
				t.Fatal(err)
			}
			want := before
			if tc.want != nil {
				tc.want(&want)
				want.LastModifiedAt = e.clock.Now()
				want.CustomerVersion++
			}
			got, _ := e.r.DescribeCACertificate(ctx, certAccount, ca.ID)
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(iot.CACertificate{}, "GenerationID")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if changed := got.GenerationID != before.GenerationID; changed != (tc.want != nil) {
				t.Errorf("generation id changed: %v", changed)
			}
		})
	}
	wantCertKind(t, e.r.UpdateCACertificate(ctx, certOtherAccount, UpdateCACertificateRequest{ID: ca.ID, Status: iot.CACertificateInactive}), iot.NotFound)
}

func TestDeleteCACertificate(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	ca := newTestCA(t, certOpts{})
	registered, err := e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{
		CertificatePEM: ca.pem, Mode: iot.CertificateModeSNIOnly, SetAsActive: true, Tags: []iot.Tag{{Key: "k", Value: "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	device, err := e.r.RegisterCertificate(ctx, certAccount, RegisterCertificateRequest{CertificatePEM: ca.device(t), SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	wantCertKind(t, e.r.DeleteCACertificate(ctx, certAccount, registered.ID), iot.CertificateState)
	if err := e.r.UpdateCACertificate(ctx, certAccount, UpdateCACertificateRequest{ID: registered.ID, Status: iot.CACertificateInactive}); err != nil {
		t.Fatal(err)
	}
	wantCertKind(t, e.r.DeleteCACertificate(ctx, certOtherAccount, registered.ID), iot.NotFound)
	if err := e.r.DeleteCACertificate(ctx, certAccount, registered.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.r.DescribeCACertificate(ctx, certAccount, registered.ID)
	wantCertKind(t, err, iot.NotFound)
	wantCertKind(t, e.r.DeleteCACertificate(ctx, certAccount, registered.ID), iot.NotFound)
	e.view(t, func(tx store.ReadTx) error {
		tags, err := tx.Tags(ctx, registered.ARN)
		if len(tags) != 0 {
			t.Errorf("tags after delete: %v", tags)
		}
		return err
	})
	// The device certificate stays, still naming its CA.
	got, err := e.r.DescribeCertificate(ctx, certAccount, device.ID)
	if err != nil || got.CAID != registered.ID {
		t.Errorf("device certificate after its CA's deletion: %+v, %v", got, err)
	}
}

func TestListCACertificates(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	var all, fleet []string
	for i := range 5 {
		e.clock.Advance(time.Second)
		req := RegisterCACertificateRequest{CertificatePEM: newTestCA(t, certOpts{cn: fmt.Sprint("CA ", i)}).pem, Mode: iot.CertificateModeSNIOnly}
		if i%2 == 0 {
			req.RegistrationConfig.TemplateName = "fleet"
		}
		ca, err := e.r.RegisterCACertificate(ctx, certAccount, req)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ca.ID)
		if i%2 == 0 {
			fleet = append(fleet, ca.ID)
		}
	}
	tests := []struct {
		name    string
		account string
		req     ListCACertificatesRequest
		want    []string
	}{
		{"ascending", certAccount, ListCACertificatesRequest{MarkerRequest: MarkerRequest{Ascending: true}}, all},
		{"newest first", certAccount, ListCACertificatesRequest{}, []string{all[4], all[3], all[2], all[1], all[0]}},
		{"by template", certAccount, ListCACertificatesRequest{MarkerRequest: MarkerRequest{Ascending: true}, TemplateName: "fleet"}, fleet},
		{"by unknown template", certAccount, ListCACertificatesRequest{TemplateName: "other"}, nil},
		{"another account", certOtherAccount, ListCACertificatesRequest{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids := pageIDs(t, func(marker string) ([]iot.CACertificate, string, error) {
				req := tc.req
				req.PageSize, req.Marker = 2, marker
				page, next, err := e.r.ListCACertificates(ctx, tc.account, req)
				for _, c := range page {
					if c.ARN != e.r.caCertificateARN(tc.account, c.ID) || c.DER != nil || len(page) > 2 {
						t.Errorf("listed %+v in a page of %d", c, len(page))
					}
				}
				return page, next, err
			}, func(c iot.CACertificate) string { return c.ID })
			if diff := cmp.Diff(tc.want, ids); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	_, marker, _ := e.r.ListCACertificates(ctx, certAccount, ListCACertificatesRequest{MarkerRequest: MarkerRequest{PageSize: 1}})
	_, _, err := e.r.ListCACertificates(ctx, certAccount, ListCACertificatesRequest{MarkerRequest: MarkerRequest{Marker: marker}, TemplateName: "fleet"})
	wantCertKind(t, err, iot.InvalidRequest)
}
