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
// check name, then in the order they were found; by window newest first [I].
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
	var err error
	if f.ResourceKey, err = e.filterKey(req.CheckName, req.Resource); err != nil {
		return nil, "", err
	}
	suppressed := "any"
	if req.Suppressed != nil {
		suppressed = fmt.Sprint(*req.Suppressed)
	}
	scope := fmt.Sprintf("audit-findings/%s/%d/%d/%s/%s/%s", f.TaskID, f.From.UnixMilli(), f.To.UnixMilli(), f.CheckName, f.ResourceKey, suppressed)
	findings, next, err := listPage(ctx, e, account, scope, req.ListRequest,
		func(tx store.ReadTx, p store.Page) ([]iot.AuditFinding, bool, error) {
			return tx.AuditFindings(ctx, f, p)
		},
		func(last iot.AuditFinding) string { return store.AuditFindingKey(last, f.TaskID != "") })
	for i := range findings {
		dropRelated(&findings[i])
	}
	return findings, next, err
}

// filterKey validates the check name and resource a listing is narrowed to,
// and returns the resource's key ("" for none).
func (e *Engine) filterKey(checkName string, r *iot.ResourceIdentifier) (string, error) {
	if checkName != "" {
		if _, err := e.checks.lookup(checkName); err != nil {
			return "", err
		}
	}
	if r == nil {
		return "", nil
	}
	if r.IsZero() {
		return "", iot.Errorf(iot.InvalidRequest, "resourceIdentifier must have a member.")
	}
	return r.Key(), nil
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
	last := -1 // the index of the page's last resource: its sort key
	return listPage(ctx, e, account, "audit-related/"+findingID, req,
		func(tx store.ReadTx, p store.Page) ([]iot.AuditResource, bool, error) {
			if p.After != "" {
				var err error
				if last, err = strconv.Atoi(p.After); err != nil {
					return nil, false, err
				}
			}
			related, more, err := tx.AuditFindingRelated(ctx, findingID, p)
			last += len(related)
			return related, more, notFound(err, "No audit finding with id %s.", findingID)
		},
		func(iot.AuditResource) string { return strconv.Itoa(last) })
}
