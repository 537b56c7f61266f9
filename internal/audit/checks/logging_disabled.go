package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

const reasonLoggingDisabled = "LOGGING_DISABLED"

// LOGGING_DISABLED_CHECK: neither the version 1 nor the version 2 logging
// options send logs [I: compliant when either does]. One resource, the
// account's settings.
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "LOGGING_DISABLED_CHECK",
		Severity:          check.Low,
		ResourceType:      check.AccountSettings,
		ReasonCodes:       []string{reasonLoggingDisabled},
		MitigationActions: []string{actionPublishToSNS, actionEnableIoTLogging},
	}, check.LoggingOptions, 0, func(s *check.Scope) check.Visitor[*check.LoggingSettings] {
		return check.VisitFunc[*check.LoggingSettings](func(l *check.LoggingSettings) error {
			s.Report.Evaluated(1)
			if (l.V1 != nil && l.V1.Enabled()) || (l.V2 != nil && l.V2.Enabled()) {
				return nil
			}
			s.Report.NonCompliant(check.Finding{
				Resource:   check.Resource{Type: check.AccountSettings, Identifier: iot.ResourceIdentifier{Account: s.Env.Account}},
				ReasonCode: reasonLoggingDisabled,
				Reason:     "Logging is disabled: neither the version 1 nor the version 2 logging options send logs to CloudWatch.",
			})
			return nil
		})
	}))
}
