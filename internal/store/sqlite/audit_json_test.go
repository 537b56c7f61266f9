package sqlite

import (
	"encoding/json"
	"testing"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// The identifiers written without encoding/json are written as it writes them.
func TestEncodeIdentifierAsJSON(t *testing.T) {
	for _, r := range []iot.ResourceIdentifier{
		{DeviceCertificateID: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		{CACertificateID: "ca"},
		{ClientID: "thing-0000001-clone"},
		{ClientID: "client <&> \"quoted\""},
		{ClientID: "é"},
		{Account: "123456789012"},
		{IAMRoleARN: "arn:aws:iam::123456789012:role/a_b.c"},
		{DeviceCertificateID: "aa", ClientID: "c"},
		{PolicyVersion: &iot.PolicyVersionIdentifier{PolicyName: "p", PolicyVersionID: "1"}},
		{IssuerCertificate: &iot.IssuerCertificateIdentifier{Subject: "CN=x", IssuerID: "i", SerialNumber: "1"}},
	} {
		got, err := encodeIdentifier(r)
		if err != nil {
			t.Fatal(err)
		}
		want := storedIdentifier{DeviceCertificateID: r.DeviceCertificateID, CACertificateID: r.CACertificateID,
			CognitoIdentityPoolID: r.CognitoIdentityPoolID, ClientID: r.ClientID, Account: r.Account,
			IAMRoleARN: r.IAMRoleARN, RoleAliasARN: r.RoleAliasARN, DeviceCertificateARN: r.DeviceCertificateARN}
		if p := r.PolicyVersion; p != nil {
			want.PolicyVersion = &storedPolicyVer{PolicyName: p.PolicyName, PolicyVersionID: p.PolicyVersionID}
		}
		if c := r.IssuerCertificate; c != nil {
			want.IssuerCertificate = &storedIssuerCert{Subject: c.Subject, IssuerID: c.IssuerID, SerialNumber: c.SerialNumber}
		}
		b, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(b) {
			t.Errorf("encodeIdentifier(%+v) = %s, encoding/json writes %s", r, got, b)
		}
	}
}
