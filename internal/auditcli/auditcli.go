// Package auditcli is `iotdefender audit run`: it starts an on-demand audit
// through the AWS IoT API (optionally enabling its checks first), shows each
// check as it completes, and prints a per-check table and the most severe
// findings at the end.
package auditcli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	_ "github.com/iotdefender/iotdefender/internal/audit/checks" // the catalogue of checks
)

// API is the part of the AWS IoT API an audit run uses (*iot.Client).
type API interface {
	DescribeAccountAuditConfiguration(context.Context, *awsiot.DescribeAccountAuditConfigurationInput, ...func(*awsiot.Options)) (*awsiot.DescribeAccountAuditConfigurationOutput, error)
	UpdateAccountAuditConfiguration(context.Context, *awsiot.UpdateAccountAuditConfigurationInput, ...func(*awsiot.Options)) (*awsiot.UpdateAccountAuditConfigurationOutput, error)
	StartOnDemandAuditTask(context.Context, *awsiot.StartOnDemandAuditTaskInput, ...func(*awsiot.Options)) (*awsiot.StartOnDemandAuditTaskOutput, error)
	DescribeAuditTask(context.Context, *awsiot.DescribeAuditTaskInput, ...func(*awsiot.Options)) (*awsiot.DescribeAuditTaskOutput, error)
	ListAuditFindings(context.Context, *awsiot.ListAuditFindingsInput, ...func(*awsiot.Options)) (*awsiot.ListAuditFindingsOutput, error)
	ListThings(context.Context, *awsiot.ListThingsInput, ...func(*awsiot.Options)) (*awsiot.ListThingsOutput, error)
	ListPolicies(context.Context, *awsiot.ListPoliciesInput, ...func(*awsiot.Options)) (*awsiot.ListPoliciesOutput, error)
	ListCertificates(context.Context, *awsiot.ListCertificatesInput, ...func(*awsiot.Options)) (*awsiot.ListCertificatesOutput, error)
}

var _ API = (*awsiot.Client)(nil)

// Options of Run.
type Options struct {
	// Checks are the checks to audit; empty or ["all"]: every check enabled
	// for the account, or with Enable every check iotdefender runs.
	Checks []string
	// Enable enables the checks first (UpdateAccountAuditConfiguration).
	Enable bool
	// RoleARN is the audit role set when the account has none yet; a
	// placeholder in the account when empty (iotdefender assumes no role).
	RoleARN string
	// Account is the account id when known, for the placeholder role.
	Account string
	Out     io.Writer
	// Live rewrites a status line while the checks run (a terminal).
	Live bool
	// PollInterval is how often the task is described (default 250 ms).
	PollInterval time.Duration
	// TopFindings is how many findings the end shows at most (default 10).
	TopFindings int
}

// Result is the finished audit.
type Result struct {
	TaskID string
	Task   *awsiot.DescribeAuditTaskOutput
	// Findings are the findings shown, most severe first.
	Findings []types.AuditFinding
}

// Completed reports whether the task ended COMPLETED (not FAILED or CANCELED).
func (r *Result) Completed() bool { return r.Task.TaskStatus == types.AuditTaskStatusCompleted }

// Run runs one audit and prints its progress and results.
func Run(ctx context.Context, api API, opts Options) (*Result, error) {
	if opts.PollInterval <= 0 {
		opts.PollInterval = 250 * time.Millisecond
	}
	if opts.TopFindings <= 0 {
		opts.TopFindings = 10
	}
	r := &runner{ctx: ctx, api: api, opts: opts, out: opts.Out}
	names, err := r.targetChecks()
	if err != nil {
		return nil, err
	}
	if opts.Enable {
		if err := r.enable(names); err != nil {
			return nil, err
		}
	}
	started := time.Now()
	out, err := api.StartOnDemandAuditTask(ctx, &awsiot.StartOnDemandAuditTaskInput{TargetCheckNames: names})
	if err != nil {
		return nil, err
	}
	id := aws.ToString(out.TaskId)
	r.printf("Audit %s started: %d checks.\n", id, len(names))
	task, err := r.follow(id, started)
	if err != nil {
		return nil, err
	}
	res := &Result{TaskID: id, Task: task}
	r.printf("\nAudit %s %s in %.1f s.\n\n", id, task.TaskStatus, time.Since(started).Seconds())
	r.table(task)
	if res.Findings, err = r.topFindings(id, task); err != nil {
		return nil, err
	}
	r.findings(res.Findings, task)
	r.printf("\nEvery finding:  aws iot list-audit-findings --task-id %s\n", id)
	if len(res.Findings) > 0 {
		r.printf("One finding:    aws iot describe-audit-finding --finding-id %s\n", aws.ToString(res.Findings[0].FindingId))
	}
	return res, nil
}

type runner struct {
	ctx  context.Context
	api  API
	opts Options
	out  io.Writer
	// status is the text of the live status line on screen ("" when none).
	status string
}

func (r *runner) printf(format string, args ...any) {
	r.clearStatus()
	fmt.Fprintf(r.out, format, args...)
}

// runnable returns the names of the checks iotdefender runs.
func runnable() []string {
	var names []string
	for _, c := range check.All() {
		if c.Unsupported == "" {
			names = append(names, c.Name)
		}
	}
	return names
}

// targetChecks resolves Options.Checks to check names.
func (r *runner) targetChecks() ([]string, error) {
	asked := r.opts.Checks
	if len(asked) == 0 || (len(asked) == 1 && strings.EqualFold(asked[0], "all")) {
		if r.opts.Enable {
			return runnable(), nil
		}
		cfg, err := r.api.DescribeAccountAuditConfiguration(r.ctx, &awsiot.DescribeAccountAuditConfigurationInput{})
		if err != nil {
			return nil, err
		}
		var names []string
		for name, c := range cfg.AuditCheckConfigurations {
			if c.Enabled {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			return nil, errors.New("no audit check is enabled for the account: run with --enable to enable every check iotdefender runs, " +
				"or enable checks with `aws iot update-account-audit-configuration`")
		}
		slices.Sort(names)
		return names, nil
	}
	var names []string
	for _, name := range asked {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if _, ok := check.Lookup(name); !ok {
			return nil, fmt.Errorf("%s is not an audit check; the checks are:\n  %s", name, strings.Join(allNames(), "\n  "))
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("--checks names no check")
	}
	return names, nil
}

func allNames() []string {
	var names []string
	for _, c := range check.All() {
		names = append(names, c.Name)
	}
	return names
}

// enable enables the checks not enabled yet, keeping their configuration, and
// sets the audit role when the account has none.
func (r *runner) enable(names []string) error {
	cfg, err := r.api.DescribeAccountAuditConfiguration(r.ctx, &awsiot.DescribeAccountAuditConfigurationInput{})
	if err != nil {
		return err
	}
	in := &awsiot.UpdateAccountAuditConfigurationInput{AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{}}
	var enabled []string
	for _, name := range names {
		current := cfg.AuditCheckConfigurations[name]
		if current.Enabled {
			continue
		}
		in.AuditCheckConfigurations[name] = types.AuditCheckConfiguration{Enabled: true, Configuration: current.Configuration}
		enabled = append(enabled, name)
	}
	if aws.ToString(cfg.RoleArn) == "" {
		role := r.opts.RoleARN
		if role == "" {
			account, err := r.account()
			if err != nil {
				return err
			}
			role = fmt.Sprintf("arn:aws:iam::%s:role/iotdefender-audit", account)
		}
		in.RoleArn = aws.String(role)
		r.printf("Audit role set to %s (iotdefender assumes no role: any ARN does).\n", role)
	}
	if len(enabled) == 0 && in.RoleArn == nil {
		return nil
	}
	if _, err := r.api.UpdateAccountAuditConfiguration(r.ctx, in); err != nil {
		return err
	}
	switch {
	case len(enabled) > 4:
		r.printf("Enabled %d checks.\n", len(enabled))
	case len(enabled) > 0:
		r.printf("Enabled %d checks: %s.\n", len(enabled), strings.Join(enabled, ", "))
	}
	return nil
}

// account finds the account id for the placeholder role: Options.Account, or
// the account in the ARN of one of its resources.
func (r *runner) account() (string, error) {
	if r.opts.Account != "" {
		return r.opts.Account, nil
	}
	one := aws.Int32(1)
	if out, err := r.api.ListThings(r.ctx, &awsiot.ListThingsInput{MaxResults: one}); err == nil && len(out.Things) > 0 {
		return accountOf(aws.ToString(out.Things[0].ThingArn)), nil
	}
	if out, err := r.api.ListPolicies(r.ctx, &awsiot.ListPoliciesInput{PageSize: one}); err == nil && len(out.Policies) > 0 {
		return accountOf(aws.ToString(out.Policies[0].PolicyArn)), nil
	}
	if out, err := r.api.ListCertificates(r.ctx, &awsiot.ListCertificatesInput{PageSize: one}); err == nil && len(out.Certificates) > 0 {
		return accountOf(aws.ToString(out.Certificates[0].CertificateArn)), nil
	}
	return "", errors.New("the account has no audit role yet and its id could not be found: give one with --role-arn arn:aws:iam::ACCOUNT:role/NAME")
}

func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// follow polls the task until it ends, printing each check as it completes.
func (r *runner) follow(id string, started time.Time) (*awsiot.DescribeAuditTaskOutput, error) {
	reported := map[string]bool{}
	done := 0
	for {
		task, err := r.api.DescribeAuditTask(r.ctx, &awsiot.DescribeAuditTaskInput{TaskId: aws.String(id)})
		if err != nil {
			return nil, r.stopped(id, err)
		}
		names := sortedNames(task.AuditDetails)
		for _, name := range names {
			d := task.AuditDetails[name]
			if reported[name] || !finished(d.CheckRunStatus) {
				continue
			}
			reported[name] = true
			done++
			r.printf("  [%2d/%d] %-60s %s\n", done, len(names), name, outcome(d))
		}
		if task.TaskStatus != types.AuditTaskStatusInProgress {
			r.clearStatus()
			return task, nil
		}
		if r.opts.Live {
			r.setStatus(fmt.Sprintf("  %d of %d checks done, %.1f s", done, len(names), time.Since(started).Seconds()))
		}
		select {
		case <-time.After(r.opts.PollInterval):
		case <-r.ctx.Done():
			return nil, r.stopped(id, r.ctx.Err())
		}
	}
}

// stopped explains that the audit goes on without us.
func (r *runner) stopped(id string, err error) error {
	r.clearStatus()
	return fmt.Errorf("stopped following audit %s (%w); it goes on in the server: "+
		"`aws iot describe-audit-task --task-id %s` shows it, `aws iot cancel-audit-task --task-id %s` cancels it", id, err, id, id)
}

func (r *runner) setStatus(s string) {
	r.clearStatus()
	fmt.Fprint(r.out, s)
	r.status = s
}

func (r *runner) clearStatus() {
	if r.status != "" {
		fmt.Fprint(r.out, "\r\033[K")
		r.status = ""
	}
}

func sortedNames(m map[string]types.AuditCheckDetails) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func finished(s types.AuditCheckRunStatus) bool {
	return s != types.AuditCheckRunStatusInProgress && s != types.AuditCheckRunStatusWaitingForDataCollection
}

// outcome is a check's result in a few words.
func outcome(d types.AuditCheckDetails) string {
	total, bad, suppressed := aws.ToInt64(d.TotalResourcesCount), aws.ToInt64(d.NonCompliantResourcesCount), aws.ToInt64(d.SuppressedNonCompliantResourcesCount)
	switch d.CheckRunStatus {
	case types.AuditCheckRunStatusCompletedCompliant:
		if suppressed > 0 {
			return fmt.Sprintf("compliant, %d of %s non-compliant but suppressed", suppressed, resources(total))
		}
		return "compliant, " + resources(total)
	case types.AuditCheckRunStatusCompletedNonCompliant:
		s := fmt.Sprintf("NON-COMPLIANT, %d of %s", bad, resources(total))
		if suppressed > 0 {
			s += fmt.Sprintf(" (%d suppressed)", suppressed)
		}
		return s
	case types.AuditCheckRunStatusFailed:
		return "FAILED"
	}
	return string(d.CheckRunStatus)
}

func resources(n int64) string {
	if n == 1 {
		return "1 resource"
	}
	return fmt.Sprintf("%d resources", n)
}

// table prints the per-check table and the checks' messages.
func (r *runner) table(task *awsiot.DescribeAuditTaskOutput) {
	w := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CHECK\tSTATUS\tTOTAL\tNON-COMPLIANT\tSUPPRESSED")
	var notes []string
	for _, name := range sortedNames(task.AuditDetails) {
		d := task.AuditDetails[name]
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\n", name, d.CheckRunStatus, aws.ToInt64(d.TotalResourcesCount),
			aws.ToInt64(d.NonCompliantResourcesCount), aws.ToInt64(d.SuppressedNonCompliantResourcesCount))
		if m := aws.ToString(d.Message); m != "" {
			notes = append(notes, fmt.Sprintf("  %s: %s", name, m))
		}
	}
	_ = w.Flush()
	s := task.TaskStatistics
	if s != nil {
		r.printf("\n%d checks: %d non-compliant, %d compliant, %d failed, %d canceled.\n", aws.ToInt32(s.TotalChecks),
			aws.ToInt32(s.NonCompliantChecks), aws.ToInt32(s.CompliantChecks), aws.ToInt32(s.FailedChecks), aws.ToInt32(s.CanceledChecks))
	}
	if len(notes) > 0 {
		r.printf("\nMessages of the checks:\n%s\n", strings.Join(notes, "\n"))
	}
}

// severityRank orders severities, most severe first.
func severityRank(s types.AuditFindingSeverity) int {
	switch s {
	case types.AuditFindingSeverityCritical:
		return 0
	case types.AuditFindingSeverityHigh:
		return 1
	case types.AuditFindingSeverityMedium:
		return 2
	case types.AuditFindingSeverityLow:
		return 3
	}
	return 4
}

// perCheck is how many findings of one check the end shows at most, so that
// one check with many findings does not hide the others.
const perCheck = 3

// topFindings returns the most severe unsuppressed findings: the checks with
// unsuppressed non-compliant resources, most severe first, at most perCheck
// findings each.
func (r *runner) topFindings(id string, task *awsiot.DescribeAuditTaskOutput) ([]types.AuditFinding, error) {
	type candidate struct {
		name string
		rank int
	}
	var checks []candidate
	for name, d := range task.AuditDetails {
		if aws.ToInt64(d.NonCompliantResourcesCount)-aws.ToInt64(d.SuppressedNonCompliantResourcesCount) <= 0 {
			continue
		}
		rank := 4
		if c, ok := check.Lookup(name); ok {
			rank = severityRank(types.AuditFindingSeverity(c.Severity))
		}
		checks = append(checks, candidate{name, rank})
	}
	slices.SortFunc(checks, func(a, b candidate) int { return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.name, b.name)) })
	var out []types.AuditFinding
	for _, c := range checks {
		if len(out) >= r.opts.TopFindings {
			break
		}
		var token *string
		taken := 0
		for taken < perCheck && len(out) < r.opts.TopFindings {
			page, err := r.api.ListAuditFindings(r.ctx, &awsiot.ListAuditFindingsInput{TaskId: aws.String(id),
				CheckName: aws.String(c.name), MaxResults: aws.Int32(25), NextToken: token})
			if err != nil {
				return nil, err
			}
			for _, f := range page.Findings {
				if aws.ToBool(f.IsSuppressed) || taken >= perCheck || len(out) >= r.opts.TopFindings {
					continue
				}
				out = append(out, f)
				taken++
			}
			if token = page.NextToken; token == nil {
				break
			}
		}
	}
	slices.SortStableFunc(out, func(a, b types.AuditFinding) int {
		return cmp.Compare(severityRank(a.Severity), severityRank(b.Severity))
	})
	return out, nil
}

// findings prints the top findings.
func (r *runner) findings(list []types.AuditFinding, task *awsiot.DescribeAuditTaskOutput) {
	var total int64
	for _, d := range task.AuditDetails {
		total += aws.ToInt64(d.NonCompliantResourcesCount) - aws.ToInt64(d.SuppressedNonCompliantResourcesCount)
	}
	if len(list) == 0 {
		r.printf("\nNo unsuppressed finding.\n")
		return
	}
	r.printf("\nTop findings (%d of %d unsuppressed non-compliant resources, most severe first, at most %d a check):\n", len(list), total, perCheck)
	for _, f := range list {
		r.printf("  %-8s  %s  %s\n            %s\n", f.Severity, aws.ToString(f.CheckName), Resource(f.NonCompliantResource),
			aws.ToString(f.ReasonForNonCompliance))
	}
}

// Resource names a finding's resource for a person.
func Resource(res *types.NonCompliantResource) string {
	if res == nil || res.ResourceIdentifier == nil {
		return "(no resource)"
	}
	id := res.ResourceIdentifier
	switch {
	case id.DeviceCertificateId != nil:
		return "device certificate " + shortID(*id.DeviceCertificateId)
	case id.CaCertificateId != nil:
		return "CA certificate " + shortID(*id.CaCertificateId)
	case id.PolicyVersionIdentifier != nil:
		return fmt.Sprintf("policy %s version %s", aws.ToString(id.PolicyVersionIdentifier.PolicyName), aws.ToString(id.PolicyVersionIdentifier.PolicyVersionId))
	case id.ClientId != nil:
		return "client id " + *id.ClientId
	case id.Account != nil:
		return "account " + *id.Account
	case id.IssuerCertificateIdentifier != nil:
		return fmt.Sprintf("issuer certificate %s (serial %s)", aws.ToString(id.IssuerCertificateIdentifier.IssuerCertificateSubject),
			aws.ToString(id.IssuerCertificateIdentifier.IssuerCertificateSerialNumber))
	case id.RoleAliasArn != nil:
		return "role alias " + *id.RoleAliasArn
	case id.CognitoIdentityPoolId != nil:
		return "identity pool " + *id.CognitoIdentityPoolId
	case id.IamRoleArn != nil:
		return "IAM role " + *id.IamRoleArn
	case id.DeviceCertificateArn != nil:
		return "device certificate " + *id.DeviceCertificateArn
	}
	return string(res.ResourceType)
}

// shortID shortens a certificate id for a table; the full ids are in the
// findings.
func shortID(id string) string {
	if len(id) > 16 {
		return id[:16] + "…"
	}
	return id
}
