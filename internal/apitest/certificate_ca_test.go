package apitest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func TestCACertificateLifecycle(t *testing.T) {
	e := newEnv(t)
	code := registrationCode(t, e.Client)
	if again := registrationCode(t, e.Client); again != code || code == "" {
		t.Fatalf("registration codes %q then %q: want one stable code", code, again)
	}
	ca := newPKICA(t, "Lifecycle CA")
	out, err := e.Client.RegisterCACertificate(ctx(t), &awsiot.RegisterCACertificateInput{
		CaCertificate:           &ca.pem,
		VerificationCertificate: aws.String(ca.verification(t, code)),
		SetAsActive:             true,
		AllowAutoRegistration:   true,
		RegistrationConfig:      &types.RegistrationConfig{TemplateName: aws.String("fleet")},
		Tags:                    []types.Tag{{Key: aws.String("team"), Value: aws.String("fleet")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.CertificateId)
	if id != certificateID(ca.pem) || aws.ToString(out.CertificateArn) != "arn:aws:iot:us-east-1:123456789012:cacert/"+id {
		t.Errorf("registered %s %s", id, aws.ToString(out.CertificateArn))
	}

	described, err := e.Client.DescribeCACertificate(ctx(t), &awsiot.DescribeCACertificateInput{CertificateId: &id})
	if err != nil {
		t.Fatal(err)
	}
	d := described.CertificateDescription
	if d.Status != types.CACertificateStatusActive || d.AutoRegistrationStatus != types.AutoRegistrationStatusEnable ||
		d.CertificateMode != types.CertificateModeDefault || aws.ToString(d.CertificatePem) != ca.pem ||
		aws.ToString(d.OwnedBy) != firstAccount || aws.ToInt32(d.CustomerVersion) != 1 || d.CreationDate == nil ||
		!d.Validity.NotAfter.Equal(ca.cert.NotAfter) {
		t.Errorf("description = %+v", d)
	}
	if aws.ToString(described.RegistrationConfig.TemplateName) != "fleet" {
		t.Errorf("registration config = %+v", described.RegistrationConfig)
	}
	err = e.app.Store.View(ctx(t), firstAccount, func(tx store.ReadTx) error {
		tags, err := tx.Tags(ctx(t), aws.ToString(out.CertificateArn))
		if diff := cmp.Diff([]iot.Tag{{Key: "team", Value: "fleet"}}, tags); diff != "" {
			t.Errorf("stored tags (-want +got):\n%s", diff)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	_, err = e.Client.RegisterCACertificate(ctx(t), &awsiot.RegisterCACertificateInput{
		CaCertificate: &ca.pem, VerificationCertificate: aws.String(ca.verification(t, code))})
	dup := wantErr[*types.ResourceAlreadyExistsException](t, err)
	if aws.ToString(dup.ResourceId) != id {
		t.Errorf("duplicate names %s", aws.ToString(dup.ResourceId))
	}

	_, err = e.Client.DeleteCACertificate(ctx(t), &awsiot.DeleteCACertificateInput{CertificateId: &id})
	wantErr[*types.CertificateStateException](t, err)
	_, err = e.Client.UpdateCACertificate(ctx(t), &awsiot.UpdateCACertificateInput{
		CertificateId: &id, NewStatus: types.CACertificateStatusInactive,
		NewAutoRegistrationStatus: types.AutoRegistrationStatusDisable, RemoveAutoRegistration: true})
	if err != nil {
		t.Fatal(err)
	}
	described, err = e.Client.DescribeCACertificate(ctx(t), &awsiot.DescribeCACertificateInput{CertificateId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if d := described.CertificateDescription; d.Status != types.CACertificateStatusInactive ||
		d.AutoRegistrationStatus != types.AutoRegistrationStatusDisable || described.RegistrationConfig != nil || aws.ToInt32(d.CustomerVersion) != 2 {
		t.Errorf("after update: %+v, config %+v", d, described.RegistrationConfig)
	}
	_, err = e.Client.UpdateCACertificate(ctx(t), &awsiot.UpdateCACertificateInput{
		CertificateId: &id, RegistrationConfig: &types.RegistrationConfig{TemplateName: aws.String("x")}, RemoveAutoRegistration: true})
	wantErr[*types.InvalidRequestException](t, err)

	if _, err := e.Client.DeleteCACertificate(ctx(t), &awsiot.DeleteCACertificateInput{CertificateId: &id}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.DescribeCACertificate(ctx(t), &awsiot.DescribeCACertificateInput{CertificateId: &id})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.UpdateCACertificate(ctx(t), &awsiot.UpdateCACertificateInput{CertificateId: &id, NewStatus: types.CACertificateStatusActive})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestRegisterCACertificateRefusals(t *testing.T) {
	e := newEnv(t)
	code := registrationCode(t, e.Client)
	ca := newPKICA(t, "Refused CA")
	stranger := newPKICA(t, "Stranger")
	tests := []struct {
		name  string
		input awsiot.RegisterCACertificateInput
		check func(t *testing.T, err error)
	}{
		{"verification for another code", awsiot.RegisterCACertificateInput{CaCertificate: &ca.pem,
			VerificationCertificate: aws.String(ca.verification(t, "not-the-code"))},
			func(t *testing.T, err error) { wantErr[*types.RegistrationCodeValidationException](t, err) }},
		{"verification signed by another key", awsiot.RegisterCACertificateInput{CaCertificate: &ca.pem,
			VerificationCertificate: aws.String(stranger.verification(t, code))},
			func(t *testing.T, err error) { wantErr[*types.CertificateValidationException](t, err) }},
		{"DEFAULT mode without verification", awsiot.RegisterCACertificateInput{CaCertificate: &ca.pem},
			func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"SNI_ONLY mode with verification", awsiot.RegisterCACertificateInput{CaCertificate: &ca.pem, CertificateMode: types.CertificateModeSniOnly,
			VerificationCertificate: aws.String(ca.verification(t, code))},
			func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"not a CA", awsiot.RegisterCACertificateInput{CaCertificate: aws.String(selfSignedDevice(t, pkiCert{})), CertificateMode: types.CertificateModeSniOnly},
			func(t *testing.T, err error) { wantErr[*types.CertificateValidationException](t, err) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Client.RegisterCACertificate(ctx(t), &tc.input)
			tc.check(t, err)
		})
	}
}

func TestListCACertificates(t *testing.T) {
	e := newEnv(t)
	var all, fleet []string
	for i := range 5 {
		in := &awsiot.RegisterCACertificateInput{CaCertificate: aws.String(newPKICA(t, "CA").pem), CertificateMode: types.CertificateModeSniOnly}
		if i%2 == 0 {
			in.RegistrationConfig = &types.RegistrationConfig{TemplateName: aws.String("fleet")}
		}
		out, err := e.Client.RegisterCACertificate(ctx(t), in)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, aws.ToString(out.CertificateId))
		if i%2 == 0 {
			fleet = append(fleet, aws.ToString(out.CertificateId))
		}
		sleepPastMillisecond()
	}
	list := func(in *awsiot.ListCACertificatesInput) []string {
		var ids []string
		in.PageSize = aws.Int32(2)
		p := awsiot.NewListCACertificatesPaginator(e.Client, in)
		for pages := 0; p.HasMorePages() && pages < 10; pages++ {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Certificates {
				ids = append(ids, aws.ToString(c.CertificateId))
				if c.Status != types.CACertificateStatusInactive || c.CreationDate == nil || aws.ToString(c.CertificateArn) == "" {
					t.Errorf("listed %+v", c)
				}
			}
		}
		return ids
	}
	if diff := cmp.Diff(all, list(&awsiot.ListCACertificatesInput{AscendingOrder: true})); diff != "" {
		t.Errorf("ascending (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{fleet[2], fleet[1], fleet[0]}, list(&awsiot.ListCACertificatesInput{TemplateName: aws.String("fleet")})); diff != "" {
		t.Errorf("by template, newest first (-want +got):\n%s", diff)
	}
	_, err := e.Client.ListCACertificates(ctx(t), &awsiot.ListCACertificatesInput{Marker: aws.String("bm90IGEgbWFya2Vy")})
	wantErr[*types.InvalidRequestException](t, err)
}
