package apitest

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCreateKeysAndCertificateThenDescribe(t *testing.T) {
	e := newEnv(t)
	created, err := e.Client.CreateKeysAndCertificate(ctx(t), &awsiot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(created.CertificateId)
	if want := "arn:aws:iot:us-east-1:123456789012:cert/" + id; aws.ToString(created.CertificateArn) != want || id != certificateID(aws.ToString(created.CertificatePem)) {
		t.Errorf("created %s, %s", id, aws.ToString(created.CertificateArn))
	}
	keyBlock, _ := pem.Decode([]byte(aws.ToString(created.KeyPair.PrivateKey)))
	key, err := x509.ParsePKCS1PrivateKey(keyBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	certBlock, _ := pem.Decode([]byte(aws.ToString(created.CertificatePem)))
	leaf, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !key.PublicKey.Equal(leaf.PublicKey) || !strings.Contains(aws.ToString(created.KeyPair.PublicKey), "BEGIN PUBLIC KEY") {
		t.Error("the key pair is not the certificate's")
	}

	out, err := e.Client.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: &id})
	if err != nil {
		t.Fatal(err)
	}
	d := out.CertificateDescription
	if aws.ToString(d.CertificateArn) != aws.ToString(created.CertificateArn) || aws.ToString(d.CertificateId) != id ||
		d.Status != types.CertificateStatusActive || d.CertificateMode != types.CertificateModeDefault ||
		aws.ToString(d.CertificatePem) != aws.ToString(created.CertificatePem) || aws.ToString(d.OwnedBy) != firstAccount ||
		d.CaCertificateId != nil || aws.ToInt32(d.CustomerVersion) != 1 || aws.ToString(d.GenerationId) == "" ||
		d.TransferData == nil {
		t.Errorf("description = %+v", d)
	}
	if d.CreationDate == nil || time.Since(*d.CreationDate) > time.Minute || !d.LastModifiedDate.Equal(*d.CreationDate) {
		t.Errorf("dates: created %v, modified %v", d.CreationDate, d.LastModifiedDate)
	}
	if !d.Validity.NotBefore.Equal(leaf.NotBefore) || !d.Validity.NotAfter.Equal(leaf.NotAfter) {
		t.Errorf("validity %v..%v, want %v..%v", d.Validity.NotBefore, d.Validity.NotAfter, leaf.NotBefore, leaf.NotAfter)
	}

	_, err = e.Client.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: aws.String(strings.Repeat("0", 64))})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestCreateCertificateFromCsr(t *testing.T) {
	e := newEnv(t)
	key := pkiCert{}.make(t, nil).key
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "sensor"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csr := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	out, err := e.Client.CreateCertificateFromCsr(ctx(t), &awsiot.CreateCertificateFromCsrInput{CertificateSigningRequest: &csr})
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(aws.ToString(out.CertificatePem)))
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil || leaf.Subject.CommonName != "sensor" {
		t.Fatalf("issued %v, %v", leaf, err)
	}
	d, err := e.Client.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: out.CertificateId})
	if err != nil || d.CertificateDescription.Status != types.CertificateStatusInactive {
		t.Errorf("described %+v, %v", d, err)
	}
	_, err = e.Client.CreateCertificateFromCsr(ctx(t), &awsiot.CreateCertificateFromCsrInput{CertificateSigningRequest: aws.String("not a CSR")})
	wantErr[*types.InvalidRequestException](t, err)
}

func TestRegisterCertificateWithoutCA(t *testing.T) {
	e := newEnv(t)
	device := selfSignedDevice(t, pkiCert{})
	out, err := e.Client.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{
		CertificatePem: &device, Status: types.CertificateStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CertificateId) != certificateID(device) {
		t.Errorf("id %s, want %s", aws.ToString(out.CertificateId), certificateID(device))
	}
	d, err := e.Client.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: out.CertificateId})
	if err != nil || d.CertificateDescription.CertificateMode != types.CertificateModeSniOnly || d.CertificateDescription.Status != types.CertificateStatusActive {
		t.Errorf("described %+v, %v", d.CertificateDescription, err)
	}

	_, err = e.Client.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{CertificatePem: &device})
	dup := wantErr[*types.ResourceAlreadyExistsException](t, err)
	if aws.ToString(dup.ResourceId) != aws.ToString(out.CertificateId) || aws.ToString(dup.ResourceArn) != aws.ToString(out.CertificateArn) {
		t.Errorf("duplicate names %s %s", aws.ToString(dup.ResourceId), aws.ToString(dup.ResourceArn))
	}

	refused := map[string]string{
		"expired":           selfSignedDevice(t, pkiCert{notBefore: time.Now().Add(-48 * time.Hour), notAfter: time.Now().Add(-time.Hour)}),
		"RSA-1024":          selfSignedDevice(t, pkiCert{key: rsa1024(t)}),
		"not a certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	}
	for name, p := range refused {
		t.Run(name, func(t *testing.T) {
			_, err := e.Client.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{CertificatePem: aws.String(p)})
			wantErr[*types.CertificateValidationException](t, err)
		})
	}
}

// registerCA registers a CA in DEFAULT mode with the client's account.
func registerCA(t *testing.T, c *awsiot.Client, ca pkiCA, active bool) string {
	t.Helper()
	out, err := c.RegisterCACertificate(ctx(t), &awsiot.RegisterCACertificateInput{
		CaCertificate: &ca.pem, VerificationCertificate: aws.String(ca.verification(t, registrationCode(t, c))), SetAsActive: active})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.CertificateId)
}

func TestRegisterCertificateWithCA(t *testing.T) {
	e := newEnv(t)
	ca := newPKICA(t, "Fleet CA")
	caID := registerCA(t, e.Client, ca, true)

	named, err := e.Client.RegisterCertificate(ctx(t), &awsiot.RegisterCertificateInput{
		CertificatePem: aws.String(ca.device(t)), CaCertificatePem: &ca.pem, SetAsActive: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	found, err := e.Client.RegisterCertificate(ctx(t), &awsiot.RegisterCertificateInput{
		CertificatePem: aws.String(ca.device(t)), Status: types.CertificateStatusRevoked})
	if err != nil {
		t.Fatal(err)
	}
	for id, status := range map[string]types.CertificateStatus{
		aws.ToString(named.CertificateId): types.CertificateStatusActive,
		aws.ToString(found.CertificateId): types.CertificateStatusRevoked,
	} {
		d, err := e.Client.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: &id})
		if err != nil {
			t.Fatal(err)
		}
		if cd := d.CertificateDescription; aws.ToString(cd.CaCertificateId) != caID || cd.Status != status || cd.CertificateMode != types.CertificateModeDefault {
			t.Errorf("%s: CA %s, status %s, mode %s", id, aws.ToString(cd.CaCertificateId), cd.Status, cd.CertificateMode)
		}
	}

	byCA, err := e.Client.ListCertificatesByCA(ctx(t), &awsiot.ListCertificatesByCAInput{CaCertificateId: &caID, AscendingOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	// Both, oldest first; two registered in the same millisecond come in id order.
	var ids []string
	for i, c := range byCA.Certificates {
		ids = append(ids, aws.ToString(c.CertificateId))
		if i > 0 && c.CreationDate.Before(*byCA.Certificates[i-1].CreationDate) {
			t.Errorf("ListCertificatesByCA not in creation order: %v", byCA.Certificates)
		}
	}
	want := []string{aws.ToString(named.CertificateId), aws.ToString(found.CertificateId)}
	if diff := cmp.Diff(want, ids, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("ListCertificatesByCA (-want +got):\n%s", diff)
	}

	stranger := newPKICA(t, "Stranger CA")
	_, err = e.Client.RegisterCertificate(ctx(t), &awsiot.RegisterCertificateInput{CertificatePem: aws.String(stranger.device(t)), CaCertificatePem: &stranger.pem})
	wantErr[*types.CertificateValidationException](t, err)
	_, err = e.Client.RegisterCertificate(ctx(t), &awsiot.RegisterCertificateInput{CertificatePem: aws.String(stranger.device(t))})
	wantErr[*types.CertificateValidationException](t, err)

	inactive := newPKICA(t, "Inactive CA")
	registerCA(t, e.Client, inactive, false)
	_, err = e.Client.RegisterCertificate(ctx(t), &awsiot.RegisterCertificateInput{CertificatePem: aws.String(inactive.device(t))})
	wantErr[*types.CertificateStateException](t, err)

	twin := pkiCert{cn: "Fleet CA", key: ca.key, isCA: true}.make(t, nil) // same subject and key
	registerCA(t, e.Client, twin, true)
	_, err = e.Client.RegisterCertificate(ctx(t), &awsiot.RegisterCertificateInput{CertificatePem: aws.String(ca.device(t))})
	wantErr[*types.CertificateConflictException](t, err)
}

func TestUpdateAndDeleteCertificate(t *testing.T) {
	e := newEnv(t)
	out, err := e.Client.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{
		CertificatePem: aws.String(selfSignedDevice(t, pkiCert{})), Status: types.CertificateStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	id := out.CertificateId
	_, err = e.Client.DeleteCertificate(ctx(t), &awsiot.DeleteCertificateInput{CertificateId: id})
	wantErr[*types.CertificateStateException](t, err)

	if _, err := e.Client.UpdateCertificate(ctx(t), &awsiot.UpdateCertificateInput{CertificateId: id, NewStatus: types.CertificateStatusRevoked}); err != nil {
		t.Fatal(err)
	}
	d, err := e.Client.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: id})
	if err != nil || d.CertificateDescription.Status != types.CertificateStatusRevoked || aws.ToInt32(d.CertificateDescription.CustomerVersion) != 2 {
		t.Errorf("after revoking: %+v, %v", d.CertificateDescription, err)
	}
	_, err = e.Client.UpdateCertificate(ctx(t), &awsiot.UpdateCertificateInput{CertificateId: id, NewStatus: types.CertificateStatusActive})
	wantErr[*types.CertificateStateException](t, err)
	_, err = e.Client.UpdateCertificate(ctx(t), &awsiot.UpdateCertificateInput{CertificateId: id, NewStatus: types.CertificateStatusPendingTransfer})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = e.Client.UpdateCertificate(ctx(t), &awsiot.UpdateCertificateInput{CertificateId: aws.String(strings.Repeat("a", 64)), NewStatus: types.CertificateStatusActive})
	wantErr[*types.ResourceNotFoundException](t, err)

	createThings(t, e.Client, "lamp")
	if _, err := e.Client.AttachThingPrincipal(ctx(t), &awsiot.AttachThingPrincipalInput{ThingName: aws.String("lamp"), Principal: out.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.DeleteCertificate(ctx(t), &awsiot.DeleteCertificateInput{CertificateId: id, ForceDelete: true})
	wantErr[*types.DeleteConflictException](t, err)
	if _, err := e.Client.DetachThingPrincipal(ctx(t), &awsiot.DetachThingPrincipalInput{ThingName: aws.String("lamp"), Principal: out.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.DeleteCertificate(ctx(t), &awsiot.DeleteCertificateInput{CertificateId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: id})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.DeleteCertificate(ctx(t), &awsiot.DeleteCertificateInput{CertificateId: id})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestDeleteCertificateWithPolicy(t *testing.T) {
	e := newEnv(t)
	out, err := e.Client.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{
		CertificatePem: aws.String(selfSignedDevice(t, pkiCert{}))})
	if err != nil {
		t.Fatal(err)
	}
	document := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`
	if _, err := e.Client.CreatePolicy(ctx(t), &awsiot.CreatePolicyInput{PolicyName: aws.String("device"), PolicyDocument: &document}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.AttachPolicy(ctx(t), &awsiot.AttachPolicyInput{PolicyName: aws.String("device"), Target: out.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.DeleteCertificate(ctx(t), &awsiot.DeleteCertificateInput{CertificateId: out.CertificateId})
	wantErr[*types.DeleteConflictException](t, err)
	if _, err := e.Client.DeleteCertificate(ctx(t), &awsiot.DeleteCertificateInput{CertificateId: out.CertificateId, ForceDelete: true}); err != nil {
		t.Fatalf("forced deletion: %v", err)
	}
	targets, err := e.Client.ListTargetsForPolicy(ctx(t), &awsiot.ListTargetsForPolicyInput{PolicyName: aws.String("device")})
	if err != nil || len(targets.Targets) != 0 {
		t.Errorf("policy targets after the forced deletion: %+v, %v", targets, err)
	}
}

func TestListCertificatesPaging(t *testing.T) {
	e := newEnv(t)
	var registered []string
	for range 5 {
		out, err := e.Client.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{CertificatePem: aws.String(selfSignedDevice(t, pkiCert{}))})
		if err != nil {
			t.Fatal(err)
		}
		registered = append(registered, aws.ToString(out.CertificateId))
		sleepPastMillisecond()
	}
	list := func(ascending bool) []string {
		var ids []string
		p := awsiot.NewListCertificatesPaginator(e.Client, &awsiot.ListCertificatesInput{PageSize: aws.Int32(2), AscendingOrder: ascending})
		for pages := 0; p.HasMorePages(); pages++ {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Certificates) > 2 || pages > 5 {
				t.Fatalf("page %d has %d certificates", pages, len(page.Certificates))
			}
			for _, c := range page.Certificates {
				ids = append(ids, aws.ToString(c.CertificateId))
				if c.Status != types.CertificateStatusInactive || c.CertificateMode != types.CertificateModeSniOnly || c.CreationDate == nil {
					t.Errorf("listed %+v", c)
				}
			}
		}
		return ids
	}
	if diff := cmp.Diff(registered, list(true)); diff != "" {
		t.Errorf("ascending (-want +got):\n%s", diff)
	}
	newestFirst := []string{registered[4], registered[3], registered[2], registered[1], registered[0]}
	if diff := cmp.Diff(newestFirst, list(false)); diff != "" {
		t.Errorf("newest first (-want +got):\n%s", diff)
	}

	_, err := e.Client.ListCertificates(ctx(t), &awsiot.ListCertificatesInput{Marker: aws.String("Zm9yZ2VkIG1hcmtlciBmb3JnZWQgbWFya2VyIGZvcmdlZA==")})
	wantErr[*types.InvalidRequestException](t, err)
}

func TestCertificatesAreIsolatedByAccount(t *testing.T) {
	e := newEnv(t)
	other := e.otherAccount("210987654321")
	out, err := e.Client.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{
		CertificatePem: aws.String(selfSignedDevice(t, pkiCert{})), Status: types.CertificateStatusInactive})
	if err != nil {
		t.Fatal(err)
	}
	ca := newPKICA(t, "Isolated CA")
	caID := registerCA(t, e.Client, ca, false)

	_, err = other.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: out.CertificateId})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.UpdateCertificate(ctx(t), &awsiot.UpdateCertificateInput{CertificateId: out.CertificateId, NewStatus: types.CertificateStatusActive})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.DeleteCertificate(ctx(t), &awsiot.DeleteCertificateInput{CertificateId: out.CertificateId})
	wantErr[*types.ResourceNotFoundException](t, err)
	createThings(t, other, "lamp") // the other account's own thing: only the certificate is not its
	_, err = other.AttachThingPrincipal(ctx(t), &awsiot.AttachThingPrincipalInput{ThingName: aws.String("lamp"), Principal: out.CertificateArn})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.DescribeCACertificate(ctx(t), &awsiot.DescribeCACertificateInput{CertificateId: &caID})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.DeleteCACertificate(ctx(t), &awsiot.DeleteCACertificateInput{CertificateId: &caID})
	wantErr[*types.ResourceNotFoundException](t, err)
	list, err := other.ListCertificates(ctx(t), &awsiot.ListCertificatesInput{})
	if err != nil || len(list.Certificates) != 0 {
		t.Errorf("other account lists %+v, %v", list, err)
	}
	cas, err := other.ListCACertificates(ctx(t), &awsiot.ListCACertificatesInput{})
	if err != nil || len(cas.Certificates) != 0 {
		t.Errorf("other account lists CAs %+v, %v", cas, err)
	}
	// The other account's code is its own: the first account's verification
	// certificate does not register the CA there.
	_, err = other.RegisterCACertificate(ctx(t), &awsiot.RegisterCACertificateInput{CaCertificate: &ca.pem,
		VerificationCertificate: aws.String(ca.verification(t, registrationCode(t, e.Client)))})
	wantErr[*types.RegistrationCodeValidationException](t, err)
}

func registrationCode(t *testing.T, c *awsiot.Client) string {
	t.Helper()
	out, err := c.GetRegistrationCode(ctx(t), &awsiot.GetRegistrationCodeInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.RegistrationCode)
}
