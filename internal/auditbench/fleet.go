// Package auditbench builds a large fleet directly in an iotdefender data
// directory and times a full audit of it through the audit engine: the
// benchmark behind `iotbench audit` and BENCHMARKS.md.
//
// The fleet is generated from a seed: N things, each with a device certificate
// (registered under one of 100 issuing CAs) and connection records (N in all),
// 10,000 IoT policies, and about a tenth of the resources non-compliant for
// some check. The CAs are real certificates with real keys (a root and 100
// issuing CAs below it), and the CRLs are real CRLs signed by them, stored as
// the CRL upload stores them. Device certificates are not: they are rows with
// the X.509 facts the registry keeps of a certificate (validity, issuer, serial,
// key identifiers, ROCA flag, weak-key fingerprint), which is all an audit
// reads, and a placeholder DER whose SHA-256 is their id. Key material is not
// reproducible (Go's key generation ignores the given random source); the rest
// is.
package auditbench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/policydoc"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

// The account of the fleet and its access key, as the server is started with.
const (
	Account         = "123456789012"
	Region          = "us-east-1"
	AccessKeyID     = "AKIAIOTBENCHAUDIT001"
	SecretAccessKey = "iotbench-audit-secret-key-00000000000000"
)

// Fixed sizes of the fleet.
const (
	CAs      = 100
	Policies = 10_000
)

// Files of the data directory besides the store's.
const (
	// MetaFile describes a built fleet; it is written last, so a directory
	// without it holds no complete fleet.
	MetaFile = "iotbench-fleet.json"
	// BlocklistFile is the weak-key blocklist (openssl-blacklist format) the
	// audit is run with.
	BlocklistFile = "weak-keys.txt"
)

// MaxAge is how long a fleet stays usable: its expiry dates, certificate ages
// and connection records are placed relative to the time it was built, with
// margins that keep every check's verdicts unchanged for that long.
const MaxAge = 20 * 24 * time.Hour

// Rates of the planted non-compliance, drawn independently per device
// certificate.
const (
	rateExpired         = 0.02
	rateExpiring        = 0.03
	rateOld             = 0.03
	rateROCA            = 0.005
	rateWeak            = 0.005
	rateRevoked         = 0.01
	rateShared          = 0.015
	rateTakeover        = 0.005
	rateInactive        = 0.01 // not audited: neither counted nor reported
	ratePendingTransfer = 0.005
	rateRSA             = 0.2 // other keys are EC P-256
)

// The CAs that carry a planted non-compliance, by index among the issuing CAs.
const (
	caROCA     = 0 // key quality: a real ROCA key
	caWeak     = 1 // key quality: its real fingerprint is on the blocklist
	caExpired  = 2
	caExpiring = 3
	caRevoked  = 4 // revoked by the root: a revoked CA and a revoked intermediate
)

// Count is what a check found: resources evaluated and non-compliant.
type Count struct {
	Total        int64 `json:"total"`
	NonCompliant int64 `json:"nonCompliant"`
}

// Meta describes a built fleet: what was planted, so that an audit's counts
// can be checked against it.
type Meta struct {
	N            int       `json:"n"`
	Seed         uint64    `json:"seed"`
	Format       int       `json:"format"`
	BuiltAt      time.Time `json:"builtAt"`
	BuildSeconds float64   `json:"buildSeconds"`
	// Expected holds the counts every check must report, by check name.
	Expected map[string]Count `json:"expected"`
	// RevokedIntermediateDevices is how many active device certificates chain
	// through the revoked intermediate CA (the related resources of its finding).
	RevokedIntermediateDevices int64 `json:"revokedIntermediateDevices"`
	Records                    int64 `json:"connectionRecords"`
}

// format changes when the fleet generated for a seed does.
const format = 1

// ReadMeta reads the description of the fleet in dir.
func ReadMeta(dir string) (Meta, error) {
	var m Meta
	b, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(b, &m)
}

// Ensure returns the fleet of n things built from seed in dir, building it
// when dir holds none, another, or one older than MaxAge. It refuses a
// directory that holds anything but a fleet it built.
func Ensure(ctx context.Context, dir string, n int, seed uint64, progress io.Writer) (m Meta, built bool, err error) {
	m, err = ReadMeta(dir)
	switch {
	case err == nil && m.N == n && m.Seed == seed && m.Format == format && time.Since(m.BuiltAt) < MaxAge:
		return m, false, nil
	case err == nil:
		if err := removeFleet(dir); err != nil {
			return m, false, err
		}
	case !errors.Is(err, os.ErrNotExist):
		return m, false, err
	default:
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return m, false, err
		}
		if len(entries) > 0 {
			return m, false, fmt.Errorf("%s is not empty and holds no fleet of iotbench (%s): give an empty or new directory", dir, MetaFile)
		}
	}
	m, err = Build(ctx, dir, n, seed, progress)
	return m, err == nil, err
}

// removeFleet deletes the files of a fleet Build made.
func removeFleet(dir string) error {
	for _, name := range []string{MetaFile, BlocklistFile, app.CredentialsFile, sqlite.FileName, sqlite.FileName + "-wal", sqlite.FileName + "-shm"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Build generates the fleet of n things from seed into the empty data
// directory dir, reporting its progress to progress.
func Build(ctx context.Context, dir string, n int, seed uint64, progress io.Writer) (Meta, error) {
	began := time.Now()
	a, err := app.New(ctx, app.Config{DataDir: dir, Region: Region, Endpoint: "127.0.0.1:0", AccountID: Account,
		AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey, KeyPoolSize: -1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return Meta{}, err
	}
	st, ok := a.Store.(*sqlite.Store)
	if !ok {
		a.Close()
		return Meta{}, errors.New("the fleet is built in a SQLite store")
	}
	b := &builder{ctx: ctx, bulk: st.Bulk(ctx, Account), rng: rand.New(rand.NewPCG(seed, 0x10bbe9c4)),
		now: began.UTC().Truncate(time.Second), n: n, progress: progress,
		meta: Meta{N: n, Seed: seed, Format: format, Expected: map[string]Count{}}}
	err = b.build()
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Meta{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, BlocklistFile), []byte(b.blocklist()), 0o600); err != nil {
		return Meta{}, err
	}
	b.meta.BuiltAt = b.now
	b.meta.BuildSeconds = time.Since(began).Seconds()
	out, err := json.MarshalIndent(b.meta, "", "  ")
	if err != nil {
		return Meta{}, err
	}
	return b.meta, os.WriteFile(filepath.Join(dir, MetaFile), out, 0o600)
}

type builder struct {
	ctx      context.Context
	bulk     *sqlite.Bulk
	rng      *rand.Rand
	now      time.Time
	n        int
	progress io.Writer
	meta     Meta

	root *authority
	cas  []*authority
	// revoked are the serials each issuing CA revokes.
	revoked [][]string
	// weak are the fingerprints of the blocklist.
	weak []string
}

const day = 24 * time.Hour

func (b *builder) count(check string, evaluated, nonCompliant bool) {
	c := b.meta.Expected[check]
	if evaluated {
		c.Total++
		if nonCompliant {
			c.NonCompliant++
		}
	}
	b.meta.Expected[check] = c
}

func (b *builder) build() error {
	steps := []struct {
		name string
		fn   func() error
	}{
		{"CA certificates", b.authorities},
		{"device certificates, things and connection records", b.devices},
		{"CRLs", b.crls},
		{"policies", b.policies},
	}
	for _, s := range steps {
		began := time.Now()
		if err := s.fn(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if err := b.bulk.Close(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(b.progress, "built %s in %.1fs\n", s.name, time.Since(began).Seconds())
	}
	// No logging options are set: the account's logging is disabled.
	b.count("LOGGING_DISABLED_CHECK", true, true)
	return nil
}

// authorities makes the root and the issuing CAs and registers them.
func (b *builder) authorities() error {
	var err error
	if b.root, err = newAuthority("iotbench root CA", 1, keyEC, b.now.Add(-10*365*day), b.now.Add(20*365*day), nil); err != nil {
		return err
	}
	all := []*authority{b.root}
	for i := range CAs {
		k, notAfter := keyEC, b.now.Add(10*365*day)
		switch i {
		case caROCA:
			k = keyROCA
		case caWeak:
			k = keyRSA
		case caExpired:
			notAfter = b.now.Add(-10 * day)
		case caExpiring:
			notAfter = b.now.Add(10 * day)
		}
		ca, err := newAuthority(fmt.Sprintf("iotbench CA %03d", i), int64(100+i), k, b.now.Add(-5*365*day), notAfter, b.root)
		if err != nil {
			return err
		}
		b.cas = append(b.cas, ca)
		all = append(all, ca)
	}
	b.revoked = make([][]string, CAs)
	b.weak = append(b.weak, b.cas[caWeak].cert.WeakKeyFingerprint)
	for _, ca := range all {
		if err := b.bulk.CACertificate(ca.registered(b.now.Add(-365 * day))); err != nil {
			return err
		}
		f := ca.cert
		// Every CA is evaluated by the three CA checks: the root is self-issued,
		// the issuing CAs' issuer (the root) has a CRL.
		b.count("CA_CERTIFICATE_EXPIRING_CHECK", true, !f.NotAfter.After(b.now.Add(30*day)))
		b.count("CA_CERTIFICATE_KEY_QUALITY_CHECK", true, f.ROCAVulnerable || slices.Contains(b.weak, f.WeakKeyFingerprint) && f.WeakKeyFingerprint != "")
		b.count("REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK", true, ca == b.cas[caRevoked])
		if ca != b.root {
			// The revoked intermediate is reported when an active device
			// certificate chains through it: counted with the devices.
			b.count(intermediateCheck, true, false)
		}
	}
	if !b.cas[caROCA].cert.ROCAVulnerable {
		return errors.New("the ROCA key of a CA was not detected")
	}
	return nil
}

const intermediateCheck = "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"

// device is one generated device certificate with its thing and records.
type device struct {
	cert   iot.Certificate
	thing  iot.Thing
	events []iot.ConnectionEvent
}

// devices generates and loads the device certificates, one thing each with
// the certificate attached, and the connection records.
func (b *builder) devices() error {
	records := int64(b.n) // records left to place
	// Connection records fall in the week before the fleet was built, up to
	// three hours before: inside the look-back of every audit run before MaxAge.
	from, span := b.now.Add(-7*day), 7*day-3*time.Hour-10*time.Minute
	// Every client id with records in the window is evaluated.
	clientIDs, takeovers := int64(0), int64(0)
	began := time.Now()
	for i := range b.n {
		d := b.device(i)
		at := from.Add(time.Duration(int64(span) / int64(b.n) * int64(i))).Truncate(time.Millisecond)
		principal, client := d.cert.ID, d.thing.Name
		event := func(client, session string, t time.Time, typ iot.ConnectionEventType, reason string) iot.ConnectionEvent {
			return iot.ConnectionEvent{ClientID: client, Principal: principal, SessionID: session, Timestamp: t, Type: typ,
				IPAddress: "192.0.2.10", DisconnectReason: reason, VersionNumber: 1}
		}
		shared, takeover := b.rng.Float64() < rateShared, b.rng.Float64() < rateTakeover
		switch {
		case records <= 0:
			shared, takeover = false, false
		case shared && records >= 2:
			// Two devices with different client ids connected with one
			// certificate at once.
			d.events = []iot.ConnectionEvent{event(client, "s1", at, iot.Connected, ""),
				event(client+"-clone", "s2", at.Add(time.Minute), iot.Connected, "")}
			takeover = false
			clientIDs += 2
		case takeover && records >= 3:
			// Another connection with the same client id took over.
			d.events = []iot.ConnectionEvent{event(client, "s1", at, iot.Connected, ""),
				event(client, "s1", at.Add(5*time.Minute), iot.Disconnected, "DUPLICATE_CLIENTID"),
				event(client, "s2", at.Add(5*time.Minute), iot.Connected, "")}
			shared = false
			clientIDs++
		default:
			d.events = []iot.ConnectionEvent{event(client, "s1", at, iot.Connected, "")}
			shared, takeover = false, false
			clientIDs++
		}
		records -= int64(len(d.events))
		b.meta.Records += int64(len(d.events))
		if len(d.events) > 0 {
			b.count("DEVICE_CERTIFICATE_SHARED_CHECK", true, shared)
		}
		if takeover {
			takeovers++
		}
		if err := b.bulk.Write(func(tx store.Tx) error { return d.load(b.ctx, tx) }); err != nil {
			return err
		}
		if (i+1)%100_000 == 0 {
			fmt.Fprintf(b.progress, "  %d device certificates in %.0fs\n", i+1, time.Since(began).Seconds())
		}
	}
	b.meta.Expected["CONFLICTING_CLIENT_IDS_CHECK"] = Count{Total: clientIDs, NonCompliant: takeovers}
	if b.meta.RevokedIntermediateDevices > 0 {
		c := b.meta.Expected[intermediateCheck]
		c.NonCompliant++
		b.meta.Expected[intermediateCheck] = c
	}
	return nil
}

func (d *device) load(ctx context.Context, tx store.Tx) error {
	ok, err := tx.CreateCertificate(ctx, d.cert, nil)
	if err == nil && !ok {
		err = fmt.Errorf("certificate %s exists", d.cert.ID)
	}
	if err != nil {
		return err
	}
	if err := tx.PutThing(ctx, d.thing); err != nil {
		return err
	}
	arn := "arn:aws:iot:" + Region + ":" + Account + ":cert/" + d.cert.ID
	if err := tx.PutThingPrincipal(ctx, iot.ThingPrincipal{ThingName: d.thing.Name, Principal: arn,
		Type: iot.ThingPrincipalNonExclusive, AttachedAt: d.thing.CreatedAt}); err != nil {
		return err
	}
	return tx.AddConnectionEvents(ctx, d.events)
}

// device generates device certificate i and its thing, and counts what the
// device certificate checks must find.
func (b *builder) device(i int) device {
	r := b.rng
	caIndex := r.IntN(CAs)
	ca := b.cas[caIndex]
	expired, expiring := r.Float64() < rateExpired, r.Float64() < rateExpiring
	old, roca, weak, revoked := r.Float64() < rateOld, r.Float64() < rateROCA, r.Float64() < rateWeak, r.Float64() < rateRevoked
	status := iot.CertificateActive
	switch u := r.Float64(); {
	case u < rateInactive:
		status = iot.CertificateInactive
	case u < rateInactive+ratePendingTransfer:
		status = iot.CertificatePendingTransfer
	}
	// Compliant dates keep their verdicts for MaxAge after the build; so do
	// non-compliant ones (an expiring certificate may expire meanwhile: still
	// non-compliant).
	notAfter := b.now.Add(time.Duration(60+r.IntN(9*365)) * day)
	switch {
	case expired:
		notAfter = b.now.Add(-time.Duration(1+r.IntN(400)) * day)
	case expiring:
		notAfter = b.now.Add(time.Duration(1+r.IntN(9)) * day)
	}
	created := b.now.Add(-time.Duration(1+r.IntN(300)) * day)
	if old {
		created = b.now.Add(-time.Duration(400+r.IntN(1600)) * day)
	}
	keyAlgorithm, keyBits, fingerprint := certs.KeyEC, 256, ""
	if roca || weak || r.Float64() < rateRSA {
		keyAlgorithm, keyBits, fingerprint = certs.KeyRSA, 2048, randomHex(r, 10)
	}
	if weak {
		b.weak = append(b.weak, fingerprint)
	}
	name := fmt.Sprintf("thing-%07d", i)
	serial := fmt.Sprintf("%x", 0x100000+i)
	if revoked {
		b.revoked[caIndex] = append(b.revoked[caIndex], serial)
	}
	der := fmt.Appendf(nil, "iotbench device certificate %d of seed %d", i, b.meta.Seed)
	sum := sha256.Sum256(der)
	c := iot.Certificate{ID: hex.EncodeToString(sum[:]), CAID: ca.cert.ID, Status: status, Mode: iot.CertificateModeDefault,
		DER: der, CreatedAt: created, LastModifiedAt: created, CustomerVersion: 1, GenerationID: randomHex(r, 16),
		X509: iot.X509Facts{NotBefore: created.Add(-time.Hour), NotAfter: notAfter, KeyAlgorithm: keyAlgorithm, KeyBits: keyBits,
			Subject: "CN=" + name, Issuer: ca.cert.Subject, SerialHex: serial, AuthorityKeyID: ca.cert.SubjectKeyID,
			SubjectKeyID: randomHex(r, 20), ROCAVulnerable: roca, WeakKeyFingerprint: fingerprint}}
	active := status == iot.CertificateActive || status == iot.CertificatePendingTransfer
	b.count("DEVICE_CERTIFICATE_EXPIRING_CHECK", active, expired || expiring)
	b.count("DEVICE_CERTIFICATE_AGE_CHECK", active, old)
	b.count("DEVICE_CERTIFICATE_KEY_QUALITY_CHECK", active, roca || weak)
	b.count("REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK", active, revoked)
	if active && caIndex == caRevoked {
		b.meta.RevokedIntermediateDevices++
	}
	thing := iot.Thing{Name: name, ID: uuid(r), Version: 1, CreatedAt: created}
	return device{cert: c, thing: thing}
}

// crls stores the CRL of every CA: the root's revokes one issuing CA, each
// issuing CA's its revoked device certificates.
func (b *builder) crls() error {
	put := func(a *authority, serials []string) error {
		u, err := a.uploadedCRL(b.now, serials)
		if err != nil {
			return err
		}
		return b.bulk.Write(func(tx store.Tx) error { return tx.PutUploadedCRL(b.ctx, u) })
	}
	if err := put(b.root, []string{b.cas[caRevoked].cert.SerialHex}); err != nil {
		return err
	}
	for i, ca := range b.cas {
		if err := put(ca, b.revoked[i]); err != nil {
			return err
		}
	}
	return nil
}

// policyTemplates are the documents of the fleet's policies: compliant,
// overly permissive, potentially misconfigured.
var policyTemplates = []struct {
	share    float64
	document string
}{
	{0.85, `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"},` +
		`{"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:us-east-1:123456789012:topic/devices/${iot:Connection.Thing.ThingName}/*"},` +
		`{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/devices/${iot:Connection.Thing.ThingName}/*"}]}`},
	{0.10, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`},
	{0.05, `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"},` +
		`{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/devices/${iot:Connection.Thing.ThingName}/*"},` +
		`{"Effect":"Deny","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/devices/${iot:Connection.Thing.ThingName}/admin/#"}]}`},
}

// policies stores the policies, each document analysed once as the registry
// analyses it when a version is created.
func (b *builder) policies() error {
	analyses := make([]iot.PolicyAnalysis, len(policyTemplates))
	for i, t := range policyTemplates {
		doc, err := policydoc.Parse(t.document)
		if err != nil {
			return err
		}
		a := policydoc.Analyze(doc)
		analyses[i].BroadActions = a.BroadActions
		for _, m := range a.Misconfigurations {
			analyses[i].Misconfigurations = append(analyses[i].Misconfigurations, iot.PolicyMisconfiguration{ReasonCode: m.ReasonCode, Message: m.Message()})
		}
	}
	if len(analyses[0].BroadActions)+len(analyses[0].Misconfigurations) != 0 || len(analyses[1].BroadActions) == 0 ||
		len(analyses[2].Misconfigurations) == 0 || len(analyses[2].BroadActions) != 0 {
		return fmt.Errorf("the policy templates are not analysed as planned: %+v", analyses)
	}
	created := b.now.Add(-100 * day)
	for i := range Policies {
		t, u := 0, b.rng.Float64()
		for t < len(policyTemplates)-1 && u >= policyTemplates[t].share {
			u -= policyTemplates[t].share
			t++
		}
		name := fmt.Sprintf("policy-%05d", i)
		p := iot.Policy{Name: name, DefaultVersionID: 1, LastVersionID: 1, GenerationID: randomHex(b.rng, 32), CreatedAt: created, UpdatedAt: created}
		v := iot.PolicyVersion{PolicyName: name, VersionID: 1, Document: policyTemplates[t].document, IsDefault: true,
			CreatedAt: created, Analysis: analyses[t]}
		if err := b.bulk.Policy(p, v); err != nil {
			return err
		}
		b.count("IOT_POLICY_OVERLY_PERMISSIVE_CHECK", true, len(v.Analysis.BroadActions) > 0)
		b.count("IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK", true, len(v.Analysis.Misconfigurations) > 0)
	}
	return nil
}

// blocklist is the weak-key blocklist: the planted fingerprints among as
// many others.
func (b *builder) blocklist() string {
	var s strings.Builder
	s.WriteString("# iotbench weak-key blocklist (openssl-blacklist format)\n")
	decoys := rand.New(rand.NewPCG(b.meta.Seed, 0xdec0))
	for _, f := range b.weak {
		s.WriteString(f + "\n" + randomHex(decoys, 10) + "\n")
	}
	return s.String()
}

func randomHex(r *rand.Rand, bytes int) string {
	buf := make([]byte, bytes)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	return hex.EncodeToString(buf)
}

// uuid is a version 4 UUID drawn from r.
func uuid(r *rand.Rand) string {
	h := randomHex(r, 16)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}
