// Package checks holds the 17 AWS IoT Device Defender audit checks, one file
// each, registered with their metadata at init. Importing the package (for
// its side effect) fills the catalogue of package check.
//
// Choices where AWS publishes no rule (marked [I] in the reference) are
// documented on the check that makes them.
package checks

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Mitigation action types (the model's MitigationActionType).
const (
	actionPublishToSNS            = "PUBLISH_FINDING_TO_SNS"
	actionUpdateDeviceCertificate = "UPDATE_DEVICE_CERTIFICATE"
	actionUpdateCACertificate     = "UPDATE_CA_CERTIFICATE"
	actionAddThingsToThingGroup   = "ADD_THINGS_TO_THING_GROUP"
	actionReplacePolicyVersion    = "REPLACE_DEFAULT_POLICY_VERSION"
	actionEnableIoTLogging        = "ENABLE_IOT_LOGGING"
)

// The mitigation actions allowed on the findings of each group of checks.
var (
	deviceCertificateActions = []string{actionPublishToSNS, actionUpdateDeviceCertificate, actionAddThingsToThingGroup}
	caCertificateActions     = []string{actionPublishToSNS, actionUpdateCACertificate}
	policyActions            = []string{actionPublishToSNS, actionReplacePolicyVersion}
	snsOnly                  = []string{actionPublishToSNS}
)

// maxMessage is the longest AuditCheckDetails message the model allows.
const maxMessage = 2048

const day = 24 * time.Hour

func deviceCertificate(id string) check.Resource {
	return check.Resource{Type: check.DeviceCertificate, Identifier: iot.ResourceIdentifier{DeviceCertificateID: id}}
}

func caCertificate(id string) check.Resource {
	return check.Resource{Type: check.CACertificate, Identifier: iot.ResourceIdentifier{CACertificateID: id}}
}

// epochMillis is a time as the finding's additional info carries it.
func epochMillis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// days returns a configured number of days, the key's default when the
// configuration lacks it.
func days(s *check.Scope, key check.ConfigKey) time.Duration {
	n, ok := s.Env.Config[key.Name]
	if !ok {
		n = key.Default
	}
	return time.Duration(n) * day
}

// message joins the sentences of a check's message, cut to the length the
// API allows.
func message(sentences ...string) string {
	var kept []string
	for _, s := range sentences {
		if s != "" {
			kept = append(kept, s)
		}
	}
	m := strings.Join(kept, " ")
	if len(m) > maxMessage {
		cut := maxMessage - len("...")
		for cut > 0 && !utf8.RuneStart(m[cut]) {
			cut-- // never split a character
		}
		m = m[:cut] + "..."
	}
	return m
}
