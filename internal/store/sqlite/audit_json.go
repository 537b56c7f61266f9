package sqlite

import (
	"encoding/json"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// The JSON forms of the audit family's structured columns.

// storedIdentifier is a ResourceIdentifier as stored: the model's member names.
type storedIdentifier struct {
	DeviceCertificateID   string            `json:"deviceCertificateId,omitempty"`
	CACertificateID       string            `json:"caCertificateId,omitempty"`
	CognitoIdentityPoolID string            `json:"cognitoIdentityPoolId,omitempty"`
	ClientID              string            `json:"clientId,omitempty"`
	PolicyVersion         *storedPolicyVer  `json:"policyVersionIdentifier,omitempty"`
	Account               string            `json:"account,omitempty"`
	IAMRoleARN            string            `json:"iamRoleArn,omitempty"`
	RoleAliasARN          string            `json:"roleAliasArn,omitempty"`
	IssuerCertificate     *storedIssuerCert `json:"issuerCertificateIdentifier,omitempty"`
	DeviceCertificateARN  string            `json:"deviceCertificateArn,omitempty"`
}

type storedPolicyVer struct {
	PolicyName      string `json:"policyName"`
	PolicyVersionID string `json:"policyVersionId"`
}

type storedIssuerCert struct {
	Subject      string `json:"issuerCertificateSubject"`
	IssuerID     string `json:"issuerId"`
	SerialNumber string `json:"issuerCertificateSerialNumber"`
}

func encodeIdentifier(r iot.ResourceIdentifier) (string, error) {
	if name, id, ok := plainIdentifier(r); ok {
		return `{"` + name + `":"` + id + `"}`, nil // as encoding/json writes it
	}
	s := storedIdentifier{
		DeviceCertificateID: r.DeviceCertificateID, CACertificateID: r.CACertificateID,
		CognitoIdentityPoolID: r.CognitoIdentityPoolID, ClientID: r.ClientID, Account: r.Account,
		IAMRoleARN: r.IAMRoleARN, RoleAliasARN: r.RoleAliasARN, DeviceCertificateARN: r.DeviceCertificateARN,
	}
	if p := r.PolicyVersion; p != nil {
		s.PolicyVersion = &storedPolicyVer{PolicyName: p.PolicyName, PolicyVersionID: p.PolicyVersionID}
	}
	if c := r.IssuerCertificate; c != nil {
		s.IssuerCertificate = &storedIssuerCert{Subject: c.Subject, IssuerID: c.IssuerID, SerialNumber: c.SerialNumber}
	}
	b, err := json.Marshal(s)
	return string(b), err
}

// plainIdentifier returns the one member of an identifier that names its
// resource by a string needing no JSON escape, as the identifiers of most
// findings do (a certificate id, a client id); ok=false for any other.
func plainIdentifier(r iot.ResourceIdentifier) (name, id string, ok bool) {
	if r.PolicyVersion != nil || r.IssuerCertificate != nil {
		return "", "", false
	}
	members := [...]struct{ name, v string }{
		{"deviceCertificateId", r.DeviceCertificateID}, {"caCertificateId", r.CACertificateID},
		{"cognitoIdentityPoolId", r.CognitoIdentityPoolID}, {"clientId", r.ClientID}, {"account", r.Account},
		{"iamRoleArn", r.IAMRoleARN}, {"roleAliasArn", r.RoleAliasARN}, {"deviceCertificateArn", r.DeviceCertificateARN},
	}
	for _, m := range members {
		switch {
		case m.v == "":
		case id != "" || !plainJSON(m.v):
			return "", "", false
		default:
			name, id = m.name, m.v
		}
	}
	return name, id, id != ""
}

// plainJSON reports whether s is written in JSON as it is, between quotes.
func plainJSON(s string) bool {
	for i := range len(s) {
		if !plainByte[s[i]] {
			return false
		}
	}
	return true
}

// plainByte holds the bytes plainJSON accepts: letters, digits and -_.:/
var plainByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':' || c == '/'
	}
	return t
}()

func decodeIdentifier(text string) (iot.ResourceIdentifier, error) {
	var s storedIdentifier
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		return iot.ResourceIdentifier{}, err
	}
	r := iot.ResourceIdentifier{
		DeviceCertificateID: s.DeviceCertificateID, CACertificateID: s.CACertificateID,
		CognitoIdentityPoolID: s.CognitoIdentityPoolID, ClientID: s.ClientID, Account: s.Account,
		IAMRoleARN: s.IAMRoleARN, RoleAliasARN: s.RoleAliasARN, DeviceCertificateARN: s.DeviceCertificateARN,
	}
	if p := s.PolicyVersion; p != nil {
		r.PolicyVersion = &iot.PolicyVersionIdentifier{PolicyName: p.PolicyName, PolicyVersionID: p.PolicyVersionID}
	}
	if c := s.IssuerCertificate; c != nil {
		r.IssuerCertificate = &iot.IssuerCertificateIdentifier{Subject: c.Subject, IssuerID: c.IssuerID, SerialNumber: c.SerialNumber}
	}
	return r, nil
}

// encodeInfo stores a map of strings as a JSON object, or ” when it is empty.
func encodeInfo(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

func decodeInfo(text string) (map[string]string, error) {
	if text == "" {
		return nil, nil
	}
	var m map[string]string
	err := json.Unmarshal([]byte(text), &m)
	return m, err
}

// encodeResource returns the identifier and additional-info columns of a resource.
func encodeResource(r iot.AuditResource) (identifier, info string, err error) {
	if identifier, err = encodeIdentifier(r.Identifier); err != nil {
		return "", "", err
	}
	info, err = encodeInfo(r.AdditionalInfo)
	return identifier, info, err
}

func decodeResource(typ, identifier, info string) (iot.AuditResource, error) {
	id, err := decodeIdentifier(identifier)
	if err != nil {
		return iot.AuditResource{}, err
	}
	m, err := decodeInfo(info)
	return iot.AuditResource{Type: typ, Identifier: id, AdditionalInfo: m}, err
}

// encodeNumbers stores a configuration map as a JSON object ('{}' when empty).
func encodeNumbers(m map[string]int64) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

func decodeNumbers(text string) (map[string]int64, error) {
	var m map[string]int64
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// millis stores a time as Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis reads a time stored by millis.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
