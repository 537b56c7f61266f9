package audit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// maxRelatedInFinding is how many related resources a finding carries in
// DescribeAuditFinding and ListAuditFindings [M];
// ListRelatedResourcesForAuditFinding pages through all of them.
const maxRelatedInFinding = 10

// checkWithoutRelated is the check whose findings never carry their related
// resources [M]: there may be very many (every device certificate issued under
// a revoked intermediate CA).
const checkWithoutRelated = "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"

// ListFindingsRequest is a ListAuditFindings request: the findings of one task,
// or those found in a window, narrowed by the other filters.
type ListFindingsRequest struct {
	ListRequest
	TaskID string
	// From and To bound the finding time, both included [I].
	From, To  *time.Time
	CheckName string
	Resource  *iot.ResourceIdentifier
	// Suppressed lists only suppressed (true) or unsuppressed (false)
	// findings; nil lists both.
	Suppressed *bool
}

// ListAuditFindings lists findings of completed checks. By task they come by
// check name, resource and reason code; by window newest first [I].
func (e *Engine) ListAuditFindings(ctx context.Context, account string, req ListFindingsRequest) ([]iot.AuditFinding, string, error) {
	f := store.AuditFindingFilter{TaskID: req.TaskID, CheckName: req.CheckName, Suppressed: req.Suppressed, Related: maxRelatedInFinding}
	switch {
	case req.TaskID != "" && (req.From != nil || req.To != nil):
		return nil, "", iot.Errorf(iot.InvalidRequest, "Give either taskId or startTime and endTime, not both.")
	case req.TaskID == "" && (req.From == nil || req.To == nil):
		return nil, "", iot.Errorf(iot.InvalidRequest, "Give either taskId, or both startTime and endTime.")
	case req.TaskID == "":
		if req.To.Before(*req.From) {
			return nil, "", iot.Errorf(iot.InvalidRequest, "endTime must not be before startTime.")
		}
		f.From, f.To = *req.From, *req.To
	}
	if req.CheckName != "" {
		if _, err := e.checks.lookup(req.CheckName); err != nil {
			return nil, "", err
		}
	}
	if req.Resource != nil {
		if req.Resource.IsZero() {
			return nil, "", iot.Errorf(iot.InvalidRequest, "resourceIdentifier must have a member.")
		}
		f.ResourceKey = req.Resource.Key()
	}
	suppressed := "any"
	if req.Suppressed != nil {
		suppressed = fmt.Sprint(*req.Suppressed)
	}
	scope := fmt.Sprintf("audit-findings/%s/%d/%d/%s/%s/%s", f.TaskID, f.From.UnixMilli(), f.To.UnixMilli(), f.CheckName, f.ResourceKey, suppressed)
	p, err := e.page(account, scope, req.ListRequest)
	if err != nil {
		return nil, "", err
	}
	var findings []iot.AuditFinding
	var more bool
	err = e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		findings, more, err = tx.AuditFindings(ctx, f, p)
		return err
	})
	if err != nil || len(findings) == 0 {
		return findings, "", err
	}
	for i := range findings {
		dropRelated(&findings[i])
	}
	last := findings[len(findings)-1]
	return findings, e.nextToken(account, scope, more, store.AuditFindingKey(last, f.TaskID != "")), nil
}

func dropRelated(f *iot.AuditFinding) {
	if f.CheckName == checkWithoutRelated {
		f.Related = nil
	}
}

// DescribeAuditFinding returns a finding of a completed check with its first
// related resources.
func (e *Engine) DescribeAuditFinding(ctx context.Context, account, findingID string) (iot.AuditFinding, error) {
	var f iot.AuditFinding
	err := e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		f, err = tx.AuditFinding(ctx, findingID, maxRelatedInFinding)
		return notFound(err, "No audit finding with id %s.", findingID)
	})
	dropRelated(&f)
	return f, err
}

// ListRelatedResourcesForAuditFinding pages through every related resource of
// a finding.
func (e *Engine) ListRelatedResourcesForAuditFinding(ctx context.Context, account, findingID string, req ListRequest) ([]iot.AuditResource, string, error) {
	scope := "audit-related/" + findingID
	p, err := e.page(account, scope, req)
	if err != nil {
		return nil, "", err
	}
	var related []iot.AuditResource
	var more bool
	err = e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		related, more, err = tx.AuditFindingRelated(ctx, findingID, p)
		return notFound(err, "No audit finding with id %s.", findingID)
	})
	if err != nil {
		return nil, "", err
	}
	last := -1 // the index of the last resource of the previous page
	if p.After != "" {
		if last, err = strconv.Atoi(p.After); err != nil {
			return nil, "", err
		}
	}
	return related, e.nextToken(account, scope, more, strconv.Itoa(last+len(related))), nil
}
