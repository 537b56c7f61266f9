package registry

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func sha256Hex(pemText string) string {
	block, _ := pem.Decode([]byte(pemText))
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:])
}

func TestRegisterCertificateWithoutCA(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	certPEM := selfSigned(t, certOpts{cn: "lamp-1"})
	got, err := e.r.RegisterCertificateWithoutCA(ctx, certAccount, certPEM, "")
	if err != nil {
		t.Fatal(err)
	}
	id := sha256Hex(certPEM)
	block, _ := pem.Decode([]byte(certPEM))
	want := iot.Certificate{
		ID:              id,
		ARN:             "arn:aws:iot:eu-west-1:123456789012:cert/" + id,
		Status:          iot.CertificateInactive,
		Mode:            iot.CertificateModeSNIOnly,
		DER:             block.Bytes,
		CreatedAt:       certT0,
		LastModifiedAt:  certT0,
		CustomerVersion: 1,
		GenerationID:    "00000000-0000-4000-8000-000000000001",
	}
	ignoreFacts := cmpopts.IgnoreFields(iot.Certificate{}, "X509")
	if diff := cmp.Diff(want, got, ignoreFacts); diff != "" {
		t.Errorf("registered (-want +got):\n%s", diff)
	}
	if f := got.X509; f.KeyAlgorithm != "EC" || f.KeyBits != 256 || f.Subject != "CN=lamp-1,O=iotdefender tests" ||
		len(f.CRLDistributionPoints) != 1 || f.NotAfter.IsZero() {
		t.Errorf("X.509 facts = %+v", f)
	}
	described, err := e.r.DescribeCertificate(ctx, certAccount, id)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, described, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("described (-registered +described):\n%s", diff)
	}

	// A second registration is refused, naming the certificate already there.
	_, err = e.r.RegisterCertificateWithoutCA(ctx, certAccount, certPEM, iot.CertificateActive)
	var de *iot.Error
	if !errors.As(err, &de) || de.Kind != iot.AlreadyExists || de.ResourceID != id || de.ResourceARN != want.ARN {
		t.Errorf("second registration: %#v, want AlreadyExists naming %s", err, id)
	}
	// Another account registers it on its own.
	if _, err := e.r.RegisterCertificateWithoutCA(ctx, certOtherAccount, certPEM, ""); err != nil {
		t.Errorf("registration in another account: %v", err)
	}
}

func TestRegistrationRefusals(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		pem    string
		status iot.CertificateStatus
		want   iot.Kind
	}{
		{"expired", selfSigned(t, certOpts{notBefore: certT0.Add(-48 * time.Hour), notAfter: certT0.Add(-time.Hour)}), "", iot.CertificateValidation},
		{"not yet valid", selfSigned(t, certOpts{notBefore: certT0.Add(time.Hour)}), "", iot.CertificateValidation},
		{"RSA-1024", selfSigned(t, certOpts{key: rsaKey(t, 1024)}), "", iot.CertificateValidation},
		{"not a certificate", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", "", iot.CertificateValidation},
		{"not PEM", "hello", "", iot.CertificateValidation},
		{"status PENDING_TRANSFER", selfSigned(t, certOpts{}), iot.CertificatePendingTransfer, iot.InvalidRequest},
		{"status PENDING_ACTIVATION", selfSigned(t, certOpts{}), iot.CertificatePendingActivation, iot.InvalidRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.r.RegisterCertificateWithoutCA(ctx, certAccount, tc.pem, tc.status)
			wantCertKind(t, err, tc.want)
		})
	}
	certsNow, _, err := e.r.ListCertificates(ctx, certAccount, ListCertificatesRequest{})
	if err != nil || len(certsNow) != 0 {
		t.Errorf("after refusals: %d certificates, %v; want none", len(certsNow), err)
	}
}

func TestRegisterCertificateKeepsItsChain(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	root := newTestCA(t, certOpts{cn: "Root"})
	_, inter := root.issue(t, certOpts{cn: "Intermediate", isCA: true})
	device := inter.device(t)
	c, err := e.r.RegisterCertificateWithoutCA(ctx, certAccount, device+inter.pem+root.pem, iot.CertificateActive)
	if err != nil {
		t.Fatal(err)
	}
	wantChain := []string{sha256Hex(inter.pem), sha256Hex(root.pem)}
	if diff := cmp.Diff(wantChain, c.Chain); diff != "" {
		t.Errorf("Chain (-want +got):\n%s", diff)
	}
	e.view(t, func(tx store.ReadTx) error {
		chain, err := tx.CertificateChain(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(chain) != 2 || chain[0].X509.Subject != "CN=Intermediate,O=iotdefender tests" || chain[1].X509.Issuer != "CN=Root,O=iotdefender tests" {
			t.Errorf("stored chain = %+v", chain)
		}
		return nil
	})
}

func TestRegisterCertificateWithCA(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	ca := newTestCA(t, certOpts{cn: "Fleet CA"})
	registered := e.registerCA(t, ca)

	sniCA := newTestCA(t, certOpts{cn: "SNI CA"})
	sniRegistered, err := e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{
		CertificatePEM: sniCA.pem, Mode: iot.CertificateModeSNIOnly, SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	inactiveCA := newTestCA(t, certOpts{cn: "Inactive CA"})
	if _, err := e.r.RegisterCACertificate(ctx, certAccount, RegisterCACertificateRequest{
		CertificatePEM: inactiveCA.pem, VerificationPEM: inactiveCA.verification(t, certRegCode)}); err != nil {
		t.Fatal(err)
	}
	unregistered := newTestCA(t, certOpts{cn: "Fleet CA"}) // same subject as ca, another key

	tests := []struct {
		name       string
		req        RegisterCertificateRequest
		wantCA     string
		wantMode   iot.CertificateMode
		wantStatus iot.CertificateStatus
		wantErr    iot.Kind
	}{
		{name: "named CA", req: RegisterCertificateRequest{CertificatePEM: ca.device(t), CAPEM: ca.pem, SetAsActive: true},
			wantCA: registered.ID, wantMode: iot.CertificateModeDefault, wantStatus: iot.CertificateActive},
		{name: "CA found by issuer", req: RegisterCertificateRequest{CertificatePEM: ca.device(t)},
			wantCA: registered.ID, wantMode: iot.CertificateModeDefault, wantStatus: iot.CertificateInactive},
		{name: "status wins over setAsActive", req: RegisterCertificateRequest{CertificatePEM: ca.device(t), Status: iot.CertificateRevoked, SetAsActive: true},
			wantCA: registered.ID, wantMode: iot.CertificateModeDefault, wantStatus: iot.CertificateRevoked},
		{name: "mode of an SNI_ONLY CA", req: RegisterCertificateRequest{CertificatePEM: sniCA.device(t), CAPEM: sniCA.pem, Status: iot.CertificateActive},
			wantCA: sniRegistered.ID, wantMode: iot.CertificateModeSNIOnly, wantStatus: iot.CertificateActive},
		{name: "named CA not registered", req: RegisterCertificateRequest{CertificatePEM: unregistered.device(t), CAPEM: unregistered.pem},
			wantErr: iot.CertificateValidation},
		{name: "signed by an unregistered CA of the same subject", req: RegisterCertificateRequest{CertificatePEM: unregistered.device(t)},
			wantErr: iot.CertificateValidation},
		{name: "named CA did not sign it", req: RegisterCertificateRequest{CertificatePEM: sniCA.device(t), CAPEM: ca.pem},
			wantErr: iot.CertificateValidation},
		{name: "no CA at all", req: RegisterCertificateRequest{CertificatePEM: selfSigned(t, certOpts{})},
			wantErr: iot.CertificateValidation},
		{name: "inactive CA", req: RegisterCertificateRequest{CertificatePEM: inactiveCA.device(t), CAPEM: inactiveCA.pem},
			wantErr: iot.CertificateState},
		{name: "expired device certificate", req: RegisterCertificateRequest{CertificatePEM: func() string {
			p, _ := ca.issue(t, certOpts{notAfter: certT0.Add(-time.Minute)})
			return p
		}(), CAPEM: ca.pem}, wantErr: iot.CertificateValidation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := e.r.RegisterCertificate(ctx, certAccount, tc.req)
			if tc.wantErr != "" {
				wantCertKind(t, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.CAID != tc.wantCA || c.Mode != tc.wantMode || c.Status != tc.wantStatus {
				t.Errorf("registered CA %s mode %s status %s; want %s %s %s", c.CAID, c.Mode, c.Status, tc.wantCA, tc.wantMode, tc.wantStatus)
			}
		})
	}
}

func TestRegisterCertificateWithTwinCAs(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	ca := newTestCA(t, certOpts{cn: "Twin CA"})
	twin := newTestCA(t, certOpts{cn: "Twin CA", key: ca.key}) // same subject and key, another serial
	first, second := e.registerCA(t, ca), e.registerCA(t, twin)
	device := ca.device(t)

	_, err := e.r.RegisterCertificate(ctx, certAccount, RegisterCertificateRequest{CertificatePEM: device})
	wantCertKind(t, err, iot.CertificateConflict)
	c, err := e.r.RegisterCertificate(ctx, certAccount, RegisterCertificateRequest{CertificatePEM: device, CAPEM: twin.pem})
	if err != nil {
		t.Fatal(err)
	}
	if c.CAID != second.ID || c.CAID == first.ID {
		t.Errorf("CAID = %s, want the named twin %s", c.CAID, second.ID)
	}
}

func TestCreateKeysAndCertificate(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	created, err := e.r.CreateKeysAndCertificate(ctx, certAccount, true)
	if err != nil {
		t.Fatal(err)
	}
	c := created.Certificate
	if c.Status != iot.CertificateActive || c.Mode != iot.CertificateModeDefault || c.CAID != "" || c.X509.KeyBits != 2048 {
		t.Errorf("created %+v", c)
	}
	block, _ := pem.Decode([]byte(created.PrivateKeyPEM))
	if block == nil || block.Type != "RSA PRIVATE KEY" {
		t.Fatalf("private key PEM = %q", created.PrivateKeyPEM)
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(c.DER)
	if err != nil {
		t.Fatal(err)
	}
	if !key.PublicKey.Equal(leaf.PublicKey) {
		t.Error("the certificate is not for the returned key")
	}
	if err := leaf.CheckSignatureFrom(e.r.authority.Certificate()); err != nil {
		t.Errorf("not issued by the installation's CA: %v", err)
	}
	pubBlock, _ := pem.Decode([]byte(created.PublicKeyPEM))
	if pubBlock == nil || pubBlock.Type != "PUBLIC KEY" {
		t.Errorf("public key PEM = %q", created.PublicKeyPEM)
	}

	// The private key is returned once and never stored: no file of the data
	// directory (database, WAL) holds its bytes.
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(e.dir, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, block.Bytes[len(block.Bytes)-64:]) || bytes.Contains(data, []byte(created.PrivateKeyPEM[40:80])) {
			t.Errorf("%s holds the private key", filepath.Base(f))
		}
		if filepath.Base(f) == "iotdefender.db" && !bytes.Contains(data, c.DER[:64]) {
			t.Errorf("the database does not hold the certificate: the search above proves nothing")
		}
	}
}

func TestCreateCertificateFromCSR(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	key := newKey(t)
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "sensor-7"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csrPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}))
	c, err := e.r.CreateCertificateFromCSR(ctx, certAccount, csrPEM, false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != iot.CertificateInactive || c.Mode != iot.CertificateModeDefault || c.X509.Subject != "CN=sensor-7" {
		t.Errorf("created %+v", c)
	}
	// The same CSR again gives a distinct certificate.
	again, err := e.r.CreateCertificateFromCSR(ctx, certAccount, csrPEM, true)
	if err != nil || again.ID == c.ID || again.Status != iot.CertificateActive {
		t.Errorf("second certificate for the CSR: %+v, %v", again, err)
	}
	_, err = e.r.CreateCertificateFromCSR(ctx, certAccount, "not a CSR", false)
	wantCertKind(t, err, iot.InvalidRequest)
}

func TestUpdateCertificate(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		from, to iot.CertificateStatus
		want     iot.Kind // "" for success
	}{
		{iot.CertificateInactive, iot.CertificateActive, ""},
		{iot.CertificateActive, iot.CertificateInactive, ""},
		{iot.CertificateActive, iot.CertificateRevoked, ""},
		{iot.CertificateInactive, iot.CertificateRegisterInactive, ""},
		{iot.CertificateRevoked, iot.CertificateActive, iot.CertificateState},
		{iot.CertificateRevoked, iot.CertificateInactive, iot.CertificateState},
		{iot.CertificateActive, iot.CertificatePendingTransfer, iot.InvalidRequest},
		{iot.CertificateInactive, iot.CertificatePendingActivation, iot.InvalidRequest},
	}
	e := newCertEnv(t)
	for _, tc := range tests {
		t.Run(string(tc.from)+" to "+string(tc.to), func(t *testing.T) {
			c := e.registerDevice(t, tc.from)
			e.clock.Advance(time.Second)
			err := e.r.UpdateCertificate(ctx, certAccount, c.ID, tc.to)
			got, _ := e.r.DescribeCertificate(ctx, certAccount, c.ID)
			if tc.want != "" {
				wantCertKind(t, err, tc.want)
				if got.Status != tc.from || got.CustomerVersion != 1 {
					t.Errorf("after a refused update: status %s, version %d", got.Status, got.CustomerVersion)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.to || got.CustomerVersion != 2 || got.GenerationID == c.GenerationID || !got.LastModifiedAt.Equal(e.clock.Now()) {
				t.Errorf("after update: %+v", got)
			}
		})
	}

	t.Run("same status is a no-op", func(t *testing.T) {
		c := e.registerDevice(t, iot.CertificateRevoked)
		if err := e.r.UpdateCertificate(ctx, certAccount, c.ID, iot.CertificateRevoked); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.r.DescribeCertificate(ctx, certAccount, c.ID); got.CustomerVersion != 1 {
			t.Errorf("version = %d, want 1", got.CustomerVersion)
		}
	})
	t.Run("unknown certificate", func(t *testing.T) {
		wantCertKind(t, e.r.UpdateCertificate(ctx, certAccount, sha256Hex(selfSigned(t, certOpts{})), iot.CertificateActive), iot.NotFound)
	})
	t.Run("another account's certificate", func(t *testing.T) {
		c := e.registerDevice(t, iot.CertificateActive)
		wantCertKind(t, e.r.UpdateCertificate(ctx, certOtherAccount, c.ID, iot.CertificateInactive), iot.NotFound)
	})
}

func TestDeleteCertificate(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	active := e.registerDevice(t, iot.CertificateActive)
	wantCertKind(t, e.r.DeleteCertificate(ctx, certAccount, active.ID, false), iot.CertificateState)
	wantCertKind(t, e.r.DeleteCertificate(ctx, certAccount, active.ID, true), iot.CertificateState)

	attached := e.registerDevice(t, iot.CertificateInactive)
	e.createThings(t, "lamp")
	if err := e.r.AttachThingPrincipal(ctx, certAccount, "lamp", attached.ARN, ""); err != nil {
		t.Fatal(err)
	}
	wantCertKind(t, e.r.DeleteCertificate(ctx, certAccount, attached.ID, true), iot.DeleteConflict)
	if err := e.r.DetachThingPrincipal(ctx, certAccount, "lamp", attached.ARN); err != nil {
		t.Fatal(err)
	}
	wantCertKind(t, e.r.DeleteCertificate(ctx, certOtherAccount, attached.ID, false), iot.NotFound)
	if err := e.r.DeleteCertificate(ctx, certAccount, attached.ID, false); err != nil {
		t.Fatal(err)
	}
	_, err := e.r.DescribeCertificate(ctx, certAccount, attached.ID)
	wantCertKind(t, err, iot.NotFound)
	wantCertKind(t, e.r.DeleteCertificate(ctx, certAccount, attached.ID, false), iot.NotFound)

	revoked := e.registerDevice(t, iot.CertificateRevoked)
	if err := e.r.DeleteCertificate(ctx, certAccount, revoked.ID, false); err != nil {
		t.Errorf("deleting a revoked certificate: %v", err)
	}
}

func TestDeleteCertificateWithPolicies(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	const document = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`
	if _, err := e.r.CreatePolicy(ctx, certAccount, CreatePolicyRequest{Name: "device", Document: document}); err != nil {
		t.Fatal(err)
	}
	c := e.registerDevice(t, iot.CertificateInactive)
	if err := e.r.AttachPolicy(ctx, certAccount, "device", c.ARN); err != nil {
		t.Fatal(err)
	}
	wantCertKind(t, e.r.DeleteCertificate(ctx, certAccount, c.ID, false), iot.DeleteConflict)
	if err := e.r.DeleteCertificate(ctx, certAccount, c.ID, true); err != nil {
		t.Fatalf("forced deletion: %v", err)
	}
	targets, _, err := e.r.ListTargetsForPolicy(ctx, certAccount, "device", MarkerRequest{})
	if err != nil || len(targets) != 0 {
		t.Errorf("policy targets after the forced deletion: %v, %v", targets, err)
	}
}

func TestListCertificates(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	ca := newTestCA(t, certOpts{cn: "Listing CA"})
	registeredCA := e.registerCA(t, ca)
	var all, byCA []string // in creation order
	for i := range 6 {
		e.clock.Advance(time.Second)
		if i%2 == 1 {
			all = append(all, e.registerDevice(t, iot.CertificateActive).ID)
			continue
		}
		c, err := e.r.RegisterCertificate(ctx, certAccount, RegisterCertificateRequest{CertificatePEM: ca.device(t), CAPEM: ca.pem})
		if err != nil {
			t.Fatal(err)
		}
		all, byCA = append(all, c.ID), append(byCA, c.ID)
	}
	reversed := func(s []string) []string {
		out := make([]string, len(s))
		for i, v := range s {
			out[len(s)-1-i] = v
		}
		return out
	}
	tests := []struct {
		name    string
		account string
		req     ListCertificatesRequest
		want    []string
	}{
		{"newest first", certAccount, ListCertificatesRequest{}, reversed(all)},
		{"ascending", certAccount, ListCertificatesRequest{MarkerRequest: MarkerRequest{Ascending: true}}, all},
		{"by CA", certAccount, ListCertificatesRequest{MarkerRequest: MarkerRequest{Ascending: true}, CAID: registeredCA.ID}, byCA},
		{"by CA newest first", certAccount, ListCertificatesRequest{CAID: registeredCA.ID}, reversed(byCA)},
		{"by an unknown CA", certAccount, ListCertificatesRequest{CAID: sha256Hex(ca.device(t))}, nil},
		{"another account", certOtherAccount, ListCertificatesRequest{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids := pageIDs(t, func(marker string) ([]iot.Certificate, string, error) {
				req := tc.req
				req.PageSize, req.Marker = 2, marker
				page, next, err := e.r.ListCertificates(ctx, tc.account, req)
				for _, c := range page {
					if c.ARN != e.r.certificateARN(tc.account, c.ID) || c.DER != nil || len(page) > 2 {
						t.Errorf("listed %+v in a page of %d", c, len(page))
					}
				}
				return page, next, err
			}, func(c iot.Certificate) string { return c.ID })
			if diff := cmp.Diff(tc.want, ids); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	// Markers: in the alphabet the model allows, bound to their listing.
	_, marker, err := e.r.ListCertificates(ctx, certAccount, ListCertificatesRequest{MarkerRequest: MarkerRequest{PageSize: 1}})
	if err != nil || marker == "" {
		t.Fatalf("first page: marker %q, %v", marker, err)
	}
	for _, r := range marker {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=') {
			t.Fatalf("marker %q has %q, outside [A-Za-z0-9+/=]", marker, r)
		}
	}
	refused := []struct {
		name    string
		account string
		req     ListCertificatesRequest
	}{
		{"forged", certAccount, ListCertificatesRequest{MarkerRequest: MarkerRequest{Marker: "Zm9yZ2VkIG1hcmtlciBmb3JnZWQgbWFya2VyIGZvcmdlZCBtYXJrZXI="}}},
		{"not base64", certAccount, ListCertificatesRequest{MarkerRequest: MarkerRequest{Marker: "#"}}},
		{"other order", certAccount, ListCertificatesRequest{MarkerRequest: MarkerRequest{Marker: marker, Ascending: true}}},
		{"other CA", certAccount, ListCertificatesRequest{MarkerRequest: MarkerRequest{Marker: marker}, CAID: registeredCA.ID}},
		{"other account", certOtherAccount, ListCertificatesRequest{MarkerRequest: MarkerRequest{Marker: marker}}},
	}
	for _, tc := range refused {
		t.Run("marker "+tc.name, func(t *testing.T) {
			_, _, err := e.r.ListCertificates(ctx, tc.account, tc.req)
			wantCertKind(t, err, iot.InvalidRequest)
		})
	}
}
