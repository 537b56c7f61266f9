// Package demo fills an iotdefender account, through the API like any client,
// with a small fleet whose audit finds something for every check iotdefender
// runs: the fleet of a made-up farm, Greenfield Farms, with its own PKI (real
// X.509 certificates and CRLs made here), devices, policies, connection
// records and logging settings. A few resources are healthy, so that the audit
// also shows compliant ones.
//
// One check is left compliant on purpose: DEVICE_CERTIFICATE_AGE_CHECK counts
// a certificate's age from its registration in the account, which for a demo
// is today, and its smallest threshold is 30 days; the API offers no honest
// way to register a certificate in the past.
package demo

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iotclient"
)

// GroupName is the thing group of the demo fleet; its attribute "demo" is
// "complete" once the whole fleet is in place.
const GroupName = "iotdefender-demo"

// BlocklistFile is the weak-key blocklist the demo writes in the data
// directory: the one fingerprint of its Debian weak key.
const BlocklistFile = "demo-weak-key-blocklist.txt"

// Options of Run.
type Options struct {
	Client *iotclient.Client
	Out    io.Writer
	// DataDir is where the weak-key blocklist is written when the directory
	// exists ("" to write none).
	DataDir string
	// ExpiryLead is how long after its registration the certificate that the
	// audit must find expired expires (default 4 s). AWS IoT refuses to
	// register an expired certificate, so the demo registers one about to
	// expire and waits until it has.
	ExpiryLead time.Duration
	// NextFlags are the flags the next command printed needs (" --endpoint
	// URL" when not the default).
	NextFlags string
}

// Result says what Run did.
type Result struct {
	Account string
	// Existed is true when the fleet was already complete: nothing was made.
	Existed bool
	Things  []string
	// Blocklist is the weak-key blocklist file written, or "".
	Blocklist string
}

// Run builds the demo fleet in the client's account, or reports that it is
// already there.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.ExpiryLead <= 0 {
		opts.ExpiryLead = 4 * time.Second
	}
	c := opts.Client
	if err := c.Healthy(ctx); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, c: c, iot: c.IoT, out: opts.Out, opts: opts}
	existing, err := b.iot.DescribeThingGroup(ctx, &awsiot.DescribeThingGroupInput{ThingGroupName: aws.String(GroupName)})
	var notFound *types.ResourceNotFoundException
	switch {
	case err == nil && existing.ThingGroupProperties != nil && existing.ThingGroupProperties.AttributePayload != nil &&
		existing.ThingGroupProperties.AttributePayload.Attributes["demo"] == "complete":
		return b.reportExisting(existing)
	case err != nil && !errors.As(err, &notFound):
		return nil, c.Explain(err)
	}
	if err := b.build(); err != nil {
		return nil, c.Explain(err)
	}
	return &Result{Account: b.account, Things: b.things, Blocklist: b.blocklist}, nil
}

// builder builds the fleet; its methods return the first error.
type builder struct {
	ctx  context.Context
	c    *iotclient.Client
	iot  *awsiot.Client
	out  io.Writer
	opts Options

	account, region, code string
	now                   time.Time
	things                []string
	policies              map[string]string // name -> ARN
	blocklist             string
}

// device is one thing of the fleet and its certificate.
type device struct {
	thing, note string
	certID      string
	certARN     string
	cert        *x509.Certificate // nil for the one iotdefender issued
}

func (b *builder) printf(format string, args ...any) {
	fmt.Fprintf(b.out, format, args...)
}

// say prints lines of what was made.
func (b *builder) say(lines ...string) {
	for _, l := range lines {
		fmt.Fprintln(b.out, l)
	}
}

func (b *builder) build() error {
	ctx := b.ctx
	b.region = b.c.Region
	b.printf("Filling the account at %s with the demo fleet of Greenfield Farms...\n", b.c.Endpoint)
	group, err := b.iot.CreateThingGroup(ctx, &awsiot.CreateThingGroupInput{ThingGroupName: aws.String(GroupName),
		ThingGroupProperties: &types.ThingGroupProperties{ThingGroupDescription: aws.String("The demo fleet of iotdefender demo")}})
	var exists *types.ResourceAlreadyExistsException
	switch {
	case err == nil:
		b.account = accountOf(aws.ToString(group.ThingGroupArn))
	case errors.As(err, &exists):
		g, err := b.iot.DescribeThingGroup(ctx, &awsiot.DescribeThingGroupInput{ThingGroupName: aws.String(GroupName)})
		if err != nil {
			return err
		}
		b.account = accountOf(aws.ToString(g.ThingGroupArn))
		b.printf("(a previous run stopped before the end: its resources stay, new ones are added)\n")
	default:
		return err
	}
	code, err := b.iot.GetRegistrationCode(ctx, &awsiot.GetRegistrationCodeInput{})
	if err != nil {
		return err
	}
	b.code = aws.ToString(code.RegistrationCode)
	b.now = time.Now().UTC().Truncate(time.Second)

	if err := b.makePolicies(); err != nil {
		return err
	}
	pki, err := b.makeAuthorities()
	if err != nil {
		return err
	}
	devices, err := b.makeDevices(pki)
	if err != nil {
		return err
	}
	if err := b.uploadCRLs(pki, devices); err != nil {
		return err
	}
	if err := b.sendConnectionRecords(devices); err != nil {
		return err
	}
	if err := b.turnLoggingOff(); err != nil {
		return err
	}
	if err := b.writeBlocklist(); err != nil {
		return err
	}
	if err := b.waitForExpiry(pki.expiresAt); err != nil {
		return err
	}
	_, err = b.iot.UpdateThingGroup(ctx, &awsiot.UpdateThingGroupInput{ThingGroupName: aws.String(GroupName),
		ThingGroupProperties: &types.ThingGroupProperties{AttributePayload: &types.AttributePayload{
			Attributes: map[string]string{"demo": "complete", "createdAt": b.now.Format(time.RFC3339)}, Merge: true}}})
	if err != nil {
		return err
	}
	b.report()
	return nil
}

// accountOf returns the account of an ARN (arn:partition:service:region:account:...).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

func (b *builder) arn(resource string) string {
	return fmt.Sprintf("arn:aws:iot:%s:%s:%s", b.region, b.account, resource)
}

// The policies of the fleet.
const (
	policyTight        = "greenhouse-sensor-policy"
	policyPermissive   = "legacy-fleet-policy"
	policyMisconfigure = "barn-control-policy"
)

func (b *builder) makePolicies() error {
	thing := "${iot:Connection.Thing.ThingName}"
	docs := []struct{ name, note string }{
		{policyTight, "tight: a device reaches only its own client id, topics and shadow"},
		{policyPermissive, "iot:* on every resource, from the first prototypes"},
		{policyMisconfigure, "denies the control room with an MQTT wildcard, and with a filter a wider one bypasses"},
	}
	statements := map[string][]map[string]any{
		policyTight: {
			{"Effect": "Allow", "Action": "iot:Connect", "Resource": b.arn("client/" + thing),
				"Condition": map[string]any{"Bool": map[string]string{"iot:Connection.Thing.IsAttached": "true"}}},
			{"Effect": "Allow", "Action": "iot:Publish", "Resource": b.arn("topic/greenfield/" + thing + "/*")},
			{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": b.arn("topicfilter/greenfield/" + thing + "/*")},
			{"Effect": "Allow", "Action": "iot:Receive", "Resource": b.arn("topic/greenfield/" + thing + "/*")},
			{"Effect": "Allow", "Action": []string{"iot:GetThingShadow", "iot:UpdateThingShadow"}, "Resource": b.arn("thing/" + thing)},
		},
		policyPermissive: {
			{"Effect": "Allow", "Action": "iot:*", "Resource": "*"},
		},
		policyMisconfigure: {
			{"Effect": "Allow", "Action": "iot:Connect", "Resource": b.arn("client/" + thing),
				"Condition": map[string]any{"Bool": map[string]string{"iot:Connection.Thing.IsAttached": "true"}}},
			{"Effect": "Allow", "Action": "iot:Subscribe", "Resource": b.arn("topicfilter/barn/*")},
			{"Effect": "Allow", "Action": "iot:Receive", "Resource": b.arn("topic/barn/*")},
			{"Effect": "Deny", "Action": "iot:Subscribe", "Resource": []string{
				b.arn("topicfilter/barn/control_room/#"), b.arn("topicfilter/barn/control_room/*")}},
		},
	}
	b.policies = map[string]string{}
	b.say("Policies")
	for _, d := range docs {
		doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements[d.name]})
		if err != nil {
			return err
		}
		out, err := b.iot.CreatePolicy(b.ctx, &awsiot.CreatePolicyInput{PolicyName: aws.String(d.name), PolicyDocument: aws.String(string(doc))})
		var exists *types.ResourceAlreadyExistsException
		switch {
		case err == nil:
			b.policies[d.name] = aws.ToString(out.PolicyArn)
		case errors.As(err, &exists):
			b.policies[d.name] = b.arn("policy/" + d.name)
		default:
			return err
		}
		b.say(fmt.Sprintf("  %-28s %s", d.name, d.note))
	}
	return nil
}

// fleetPKI is the fleet's CAs.
type fleetPKI struct {
	root, fleet, line2, gateway *authority
	// expiresAt is when the certificate that must be found expired expires.
	expiresAt time.Time
}

func (b *builder) makeAuthorities() (*fleetPKI, error) {
	now := b.now
	rootKey, err := newECKey()
	if err != nil {
		return nil, err
	}
	p := &fleetPKI{}
	if p.root, err = newRootCA("Greenfield Root CA", rootKey, now.AddDate(-2, 0, 0), now.AddDate(10, 0, 0)); err != nil {
		return nil, err
	}
	if p.fleet, err = p.root.subCA("Greenfield Fleet CA", now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0)); err != nil {
		return nil, err
	}
	if p.line2, err = p.root.subCA("Factory Line 2 CA", now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0)); err != nil {
		return nil, err
	}
	// A CA whose RSA key an Infineon chip made (ROCA) and that expires soon.
	rocaKey, err := certs.GenerateROCAVulnerableKey(2048, rand.Reader)
	if err != nil {
		return nil, err
	}
	if p.gateway, err = newRootCA("Greenfield Gateway CA 2016", rocaKey, now.AddDate(-9, 0, 0), now.AddDate(0, 0, 21)); err != nil {
		return nil, err
	}
	b.say("Certificate authorities (RegisterCACertificate with a verification certificate)")
	for _, ca := range []struct {
		a    *authority
		note string
	}{
		{p.root, "root of the fleet's PKI, healthy"},
		{p.fleet, "issues the devices' certificates, healthy"},
		{p.line2, "an intermediate the root has revoked (on the root's CRL), still ACTIVE"},
		{p.gateway, "RSA key from a vulnerable Infineon library (ROCA), expires in 21 days"},
	} {
		id, err := b.registerCA(ca.a)
		if err != nil {
			return nil, err
		}
		b.say(fmt.Sprintf("  %-28s %s  %s", ca.a.name, short(id), ca.note))
	}
	return p, nil
}

func (b *builder) registerCA(a *authority) (string, error) {
	verification, err := a.verification(b.code, b.now)
	if err != nil {
		return "", err
	}
	out, err := b.iot.RegisterCACertificate(b.ctx, &awsiot.RegisterCACertificateInput{
		CaCertificate: aws.String(a.pem), VerificationCertificate: aws.String(verification), SetAsActive: true,
		Tags: []types.Tag{{Key: aws.String("demo"), Value: aws.String("greenfield")}},
	})
	if err != nil {
		return "", fmt.Errorf("register %s: %w", a.name, err)
	}
	return aws.ToString(out.CertificateId), nil
}

// short is the first characters of a certificate id, as the report shows it.
func short(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}

// The devices of the fleet, by role in the audit.
const (
	sensor1, sensor2, sensor3 = "greenhouse-sensor-01", "greenhouse-sensor-02", "greenhouse-sensor-03"
	hub                       = "farm-hub-01"
	expiring, expired         = "greenhouse-sensor-04", "greenhouse-sensor-05"
	revoked                   = "door-lock-09"
	pump21, pump22            = "irrigation-pump-21", "irrigation-pump-22"
	meter                     = "smart-meter-14"
	camera                    = "barn-camera-03"
	weather                   = "weather-station-07"
	thermostat12, thermostat  = "thermostat-12", "thermostat-31"
)

func (b *builder) makeDevices(p *fleetPKI) (map[string]*device, error) {
	now := b.now
	devices := map[string]*device{}
	b.say("Devices (a thing each, with its certificate and a policy attached)")
	add := func(d *device, policy string) error {
		if err := b.thing(d, policy); err != nil {
			return err
		}
		devices[d.thing] = d
		b.say(fmt.Sprintf("  %-28s %s  %s", d.thing, short(d.certID), d.note))
		return nil
	}
	// First the certificate that must expire during the demo: AWS IoT
	// registers only certificates inside their validity period.
	p.expiresAt = time.Now().Add(b.opts.ExpiryLead).Truncate(time.Second)
	d, err := b.fleetDevice(p.fleet, expired, now.AddDate(-1, 0, 0), p.expiresAt,
		"its certificate expired seconds after its registration (AWS IoT refuses to register an expired one)")
	if err != nil {
		return nil, err
	}
	if err := add(d, policyTight); err != nil {
		return nil, err
	}

	for _, name := range []string{sensor1, sensor2, sensor3} {
		d, err := b.fleetDevice(p.fleet, name, now.AddDate(0, -1, 0), now.AddDate(1, 0, 0), "healthy")
		if err != nil {
			return nil, err
		}
		if err := add(d, policyTight); err != nil {
			return nil, err
		}
	}
	created, err := b.iot.CreateKeysAndCertificate(b.ctx, &awsiot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		return nil, err
	}
	if err := add(&device{thing: hub, certID: aws.ToString(created.CertificateId), certARN: aws.ToString(created.CertificateArn),
		note: "healthy, certificate and keys made by iotdefender (CreateKeysAndCertificate)"}, policyTight); err != nil {
		return nil, err
	}
	specs := []struct {
		name, note, policy string
		notAfter           time.Time
	}{
		{expiring, "certificate expires in 12 days", policyTight, now.AddDate(0, 0, 12)},
		{revoked, "certificate revoked on the Fleet CA's CRL, still ACTIVE", policyMisconfigure, now.AddDate(1, 0, 0)},
		{weather, "its certificate is used by two devices at once (a cloned board)", policyTight, now.AddDate(1, 0, 0)},
		{thermostat12, "connects with client id thermostat-12", policyTight, now.AddDate(1, 0, 0)},
		{thermostat, "misconfigured: connects with client id thermostat-12 too", policyTight, now.AddDate(1, 0, 0)},
	}
	for _, s := range specs {
		d, err := b.fleetDevice(p.fleet, s.name, now.AddDate(0, -6, 0), s.notAfter, s.note)
		if err != nil {
			return nil, err
		}
		if err := add(d, s.policy); err != nil {
			return nil, err
		}
	}
	for _, name := range []string{pump21, pump22} {
		d, err := b.fleetDevice(p.line2, name, now.AddDate(0, -3, 0), now.AddDate(2, 0, 0),
			"certificate from Factory Line 2 CA, which the root revoked")
		if err != nil {
			return nil, err
		}
		if err := add(d, policyTight); err != nil {
			return nil, err
		}
	}

	// A Debian weak key (CVE-2008-0166): the fleet CA certifies its public key.
	weak, err := DebianWeakKey()
	if err != nil {
		return nil, err
	}
	cert, err := p.fleet.issue(camera, weak, now.AddDate(0, -2, 0), now.AddDate(1, 0, 0))
	if err != nil {
		return nil, err
	}
	d = &device{thing: camera, note: "RSA key from Debian's predictable OpenSSL (CVE-2008-0166)"}
	if err := b.registerDevice(d, cert, p.fleet); err != nil {
		return nil, err
	}
	if err := add(d, policyTight); err != nil {
		return nil, err
	}

	// A ROCA key (CVE-2017-15361) in a self-signed certificate, registered
	// without a CA.
	rocaKey, err := certs.GenerateROCAVulnerableKey(2048, rand.Reader)
	if err != nil {
		return nil, err
	}
	self, err := selfSigned(meter, rocaKey, now.AddDate(0, -4, 0), now.AddDate(3, 0, 0))
	if err != nil {
		return nil, err
	}
	without, err := b.iot.RegisterCertificateWithoutCA(b.ctx, &awsiot.RegisterCertificateWithoutCAInput{
		CertificatePem: aws.String(self.pem), Status: types.CertificateStatusActive})
	if err != nil {
		return nil, fmt.Errorf("register %s's certificate: %w", meter, err)
	}
	if err := add(&device{thing: meter, certID: aws.ToString(without.CertificateId), certARN: aws.ToString(without.CertificateArn), cert: self.cert,
		note: "self-signed, RSA key from a vulnerable Infineon chip (ROCA), legacy-fleet-policy"}, policyPermissive); err != nil {
		return nil, err
	}
	return devices, nil
}

// fleetDevice makes an EC key and a certificate that ca issues, and registers
// it.
func (b *builder) fleetDevice(ca *authority, name string, notBefore, notAfter time.Time, note string) (*device, error) {
	key, err := newECKey()
	if err != nil {
		return nil, err
	}
	cert, err := ca.issue(name, key.Public(), notBefore, notAfter)
	if err != nil {
		return nil, err
	}
	d := &device{thing: name, note: note}
	return d, b.registerDevice(d, cert, ca)
}

func (b *builder) registerDevice(d *device, cert issued, ca *authority) error {
	out, err := b.iot.RegisterCertificate(b.ctx, &awsiot.RegisterCertificateInput{
		CertificatePem: aws.String(cert.pem), CaCertificatePem: aws.String(ca.pem), Status: types.CertificateStatusActive})
	if err != nil {
		return fmt.Errorf("register %s's certificate: %w", d.thing, err)
	}
	d.certID, d.certARN, d.cert = aws.ToString(out.CertificateId), aws.ToString(out.CertificateArn), cert.cert
	return nil
}

// thing creates the device's thing in the demo group, attaches its
// certificate, and attaches the policy to the certificate.
func (b *builder) thing(d *device, policy string) error {
	ctx := b.ctx
	_, err := b.iot.CreateThing(ctx, &awsiot.CreateThingInput{ThingName: aws.String(d.thing),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"site": "greenfield", "demo": "true"}}})
	var exists *types.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return err
	}
	if _, err := b.iot.AttachThingPrincipal(ctx, &awsiot.AttachThingPrincipalInput{ThingName: aws.String(d.thing), Principal: aws.String(d.certARN)}); err != nil {
		return err
	}
	if _, err := b.iot.AttachPolicy(ctx, &awsiot.AttachPolicyInput{PolicyName: aws.String(policy), Target: aws.String(d.certARN)}); err != nil {
		return err
	}
	if _, err := b.iot.AddThingToThingGroup(ctx, &awsiot.AddThingToThingGroupInput{ThingName: aws.String(d.thing), ThingGroupName: aws.String(GroupName)}); err != nil {
		return err
	}
	b.things = append(b.things, d.thing)
	return nil
}

func (b *builder) uploadCRLs(p *fleetPKI, devices map[string]*device) error {
	b.say("CRLs uploaded (PUT /_iotdefender/v1/crls)")
	for _, u := range []struct {
		a       *authority
		note    string
		revoked []*x509.Certificate
	}{
		{p.root, "revokes Factory Line 2 CA", []*x509.Certificate{p.line2.cert}},
		{p.fleet, "revokes " + revoked + "'s certificate", []*x509.Certificate{devices[revoked].cert}},
		{p.line2, "revokes nothing", nil},
	} {
		der, err := u.a.crl(time.Now().UTC(), u.revoked...)
		if err != nil {
			return err
		}
		if _, err := b.c.PutCRL(b.ctx, der); err != nil {
			return fmt.Errorf("upload the CRL of %s: %w", u.a.name, err)
		}
		b.say(fmt.Sprintf("  %-28s %s", u.a.name, u.note))
	}
	return nil
}

// turnLoggingOff sets the version 2 logging options with every log disabled.
func (b *builder) turnLoggingOff() error {
	_, err := b.iot.SetV2LoggingOptions(b.ctx, &awsiot.SetV2LoggingOptionsInput{
		RoleArn:         aws.String(fmt.Sprintf("arn:aws:iam::%s:role/greenfield-iot-logging", b.account)),
		DefaultLogLevel: types.LogLevelWarn, DisableAllLogs: true})
	if err != nil {
		return err
	}
	b.say("Logging", "  turned off (SetV2LoggingOptions with disableAllLogs)")
	return nil
}

// writeBlocklist writes the weak-key blocklist naming the Debian weak key in
// the data directory, when there is one.
func (b *builder) writeBlocklist() error {
	if b.opts.DataDir == "" {
		return nil
	}
	if fi, err := os.Stat(b.opts.DataDir); err != nil || !fi.IsDir() {
		return nil
	}
	fp, err := DebianWeakKeyFingerprint()
	if err != nil {
		return err
	}
	path := filepath.Join(b.opts.DataDir, BlocklistFile)
	body := "# Weak-key blocklist (openssl-blacklist format) naming the Debian weak key (CVE-2008-0166)\n" +
		"# of the iotdefender demo's " + camera + ". Debian's full lists are those of its openssl-blacklist package.\n" + fp + "\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		return fmt.Errorf("write the weak-key blocklist: %w", err)
	}
	b.blocklist = path
	return nil
}

// waitForExpiry waits until the certificate meant to be found expired has
// expired.
func (b *builder) waitForExpiry(at time.Time) error {
	wait := time.Until(at.Add(time.Second))
	if wait <= 0 {
		return nil
	}
	b.printf("Waiting %.0f s for %s's certificate to expire...\n", wait.Seconds(), expired)
	select {
	case <-time.After(wait):
		return nil
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
}

// The checks iotdefender runs and what the demo fleet makes each of them
// find.
var expectations = []struct{ check, finding string }{
	{"CA_CERTIFICATE_EXPIRING_CHECK", "Greenfield Gateway CA 2016 expires in 21 days"},
	{"CA_CERTIFICATE_KEY_QUALITY_CHECK", "Greenfield Gateway CA 2016's ROCA key"},
	{"REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK", "Factory Line 2 CA, on the root's CRL"},
	{"INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK", "Factory Line 2 CA, issuer of irrigation-pump-21 and -22"},
	{"DEVICE_CERTIFICATE_EXPIRING_CHECK", expiring + " (expiring) and " + expired + " (expired)"},
	{"DEVICE_CERTIFICATE_KEY_QUALITY_CHECK", meter + " (ROCA); " + camera + " (Debian) with a weak-key blocklist"},
	{"REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK", revoked},
	{"DEVICE_CERTIFICATE_SHARED_CHECK", weather + "'s certificate"},
	{"CONFLICTING_CLIENT_IDS_CHECK", "client id thermostat-12"},
	{"IOT_POLICY_OVERLY_PERMISSIVE_CHECK", policyPermissive},
	{"IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK", policyMisconfigure},
	{"LOGGING_DISABLED_CHECK", "the account's logging options"},
	{"DEVICE_CERTIFICATE_AGE_CHECK", "nothing: it counts a certificate's age from its registration, today, " +
		"and its smallest threshold is 30 days"},
}

func (b *builder) report() {
	b.printf("\nWhat an audit of every check will find:\n")
	for _, e := range expectations {
		b.printf("  %-60s %s\n", e.check, e.finding)
	}
	b.printf("  (the Cognito and role alias checks need data iotdefender does not hold: they report FAILED when enabled)\n")
	b.weakKeyNote()
	b.next()
}

func (b *builder) weakKeyNote() {
	if b.blocklist != "" {
		b.printf("\n%s's Debian weak key (CVE-2008-0166) is found when the server checks keys against a weak-key\n"+
			"blocklist that lists it, such as the one the demo wrote. Restart the server with\n"+
			"  iotdefender serve --weak-key-blocklist %s\n"+
			"(Debian's openssl-blacklist package has the full lists.)\n", camera, b.blocklist)
		return
	}
	fp, _ := DebianWeakKeyFingerprint()
	b.printf("\n%s's Debian weak key (CVE-2008-0166) is found when the server checks keys against a weak-key\n"+
		"blocklist that lists it: write its fingerprint %s on a line of a file and restart\n"+
		"the server with --weak-key-blocklist FILE.\n", camera, fp)
}

func (b *builder) next() {
	b.printf("\nNext, audit it:\n  iotdefender audit run --enable%s\n", b.opts.NextFlags)
}

func (b *builder) reportExisting(g *awsiot.DescribeThingGroupOutput) (*Result, error) {
	b.account = accountOf(aws.ToString(g.ThingGroupArn))
	var things []string
	var token *string
	for {
		page, err := b.iot.ListThingsInThingGroup(b.ctx, &awsiot.ListThingsInThingGroupInput{
			ThingGroupName: aws.String(GroupName), NextToken: token})
		if err != nil {
			return nil, b.c.Explain(err)
		}
		things = append(things, page.Things...)
		if token = page.NextToken; token == nil {
			break
		}
	}
	created := g.ThingGroupProperties.AttributePayload.Attributes["createdAt"]
	b.printf("The demo fleet already exists in account %s (made %s): %d things in thing group %s.\n",
		b.account, created, len(things), GroupName)
	if b.opts.DataDir != "" {
		if err := b.writeBlocklist(); err != nil {
			return nil, err
		}
	}
	b.weakKeyNote()
	b.next()
	return &Result{Account: b.account, Existed: true, Things: things, Blocklist: b.blocklist}, nil
}

// sendConnectionRecords sends the lifecycle events of the fleet's last days:
// ordinary sessions of the healthy devices, weather-station-07's certificate
// used by two clients at once, and thermostat-31 taking over client id
// thermostat-12. Every event is hours old: the shared-certificate check looks
// at connections up to 2 hours before the audit.
func (b *builder) sendConnectionRecords(devices map[string]*device) error {
	at := func(hoursAgo float64) int64 {
		return b.now.Add(-time.Duration(hoursAgo * float64(time.Hour))).UnixMilli()
	}
	versions := map[string]int64{}
	var events []iotclient.ConnectionEvent
	session := 0
	ev := func(kind, client, thing string, d *device, hoursAgo float64, sessionID, reason string) {
		events = append(events, iotclient.ConnectionEvent{
			ClientID: client, Timestamp: at(hoursAgo), EventType: kind, SessionIdentifier: sessionID,
			PrincipalIdentifier: d.certID, IPAddress: fmt.Sprintf("198.51.100.%d", 10+len(events)%200), ThingName: thing,
			DisconnectReason: reason, VersionNumber: versions[client],
		})
		versions[client]++
	}
	newSession := func() string {
		session++
		return fmt.Sprintf("6f1c0d2e-5a4b-4c3d-9e8f-%012d", session)
	}
	// Ordinary sessions: connected, then disconnected by the client.
	for i, name := range []string{sensor1, sensor2, sensor3, hub, expiring, pump21} {
		d := devices[name]
		for day := range 3 {
			s := newSession()
			start := float64(72-24*day) - float64(i)*0.5
			ev("connected", name, name, d, start, s, "")
			ev("disconnected", name, name, d, start-6, s, "CLIENT_INITIATED_DISCONNECT")
		}
	}
	// weather-station-07's certificate, copied onto a second board that
	// connects as weather-station-08 while the first is connected.
	w := devices[weather]
	s1, s2 := newSession(), newSession()
	ev("connected", weather, weather, w, 30, s1, "")
	ev("connected", "weather-station-08", "", w, 8, s2, "")
	ev("disconnected", "weather-station-08", "", w, 5, s2, "CONNECTION_LOST")
	ev("disconnected", weather, weather, w, 4, s1, "CLIENT_INITIATED_DISCONNECT")
	// thermostat-31 is set up with thermostat-12's client id: each connection
	// throws the other device off.
	t12, t31 := devices[thermostat12], devices[thermostat]
	a, c := newSession(), newSession()
	ev("connected", thermostat12, thermostat12, t12, 28, a, "")
	ev("connected", thermostat12, thermostat, t31, 20, c, "")
	ev("disconnected", thermostat12, thermostat12, t12, 20, a, "DUPLICATE_CLIENTID")
	a2 := newSession()
	ev("connected", thermostat12, thermostat12, t12, 19, a2, "")
	ev("disconnected", thermostat12, thermostat, t31, 19, c, "DUPLICATE_CLIENTID")
	ev("disconnected", thermostat12, thermostat12, t12, 10, a2, "CLIENT_INITIATED_DISCONNECT")

	n, err := b.c.PostConnectionEvents(b.ctx, events)
	if err != nil {
		return fmt.Errorf("send the connection records: %w", err)
	}
	b.say("Connection records (POST /_iotdefender/v1/connection-events)",
		fmt.Sprintf("  %d lifecycle events of the last 3 days: %s's certificate used by two clients at once;", n, weather),
		"  client id thermostat-12 used by two devices, each taking the other's connection over")
	return nil
}
