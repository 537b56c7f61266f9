package mitigation

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// A task goes through its findings in a fixed order and keeps its place in
// Cursor, the key of the last finding it is done with:
//   - a target of finding ids: in the order given; the key is how many ids
//     are done (decimal);
//   - an audit task: its findings of the mapped checks, by check name, then
//     finding time and id; the key is store.AuditFindingKey(f, true).

// walkedFinding is a finding of the task with the cursor that follows it.
type walkedFinding struct {
	iot.AuditFinding
	key string
}

// walk returns the next findings of the task after its cursor, at most n, and
// the cursor after the last finding it examined. Findings whose check is not
// mapped, and named findings that no longer exist, are passed over [I].
// Nothing examined (end == task.Cursor) means the task has no finding left.
func walk(ctx context.Context, tx store.ReadTx, task iot.MitigationTask, n int) (findings []walkedFinding, end string, err error) {
	if task.Target.AuditTaskID == "" {
		return walkNamed(ctx, tx, task, n)
	}
	return walkAudit(ctx, tx, task, n)
}

func walkNamed(ctx context.Context, tx store.ReadTx, task iot.MitigationTask, n int) ([]walkedFinding, string, error) {
	done := 0
	if task.Cursor != "" {
		var err error
		if done, err = strconv.Atoi(task.Cursor); err != nil {
			return nil, "", err
		}
	}
	end := task.Cursor
	var out []walkedFinding
	for i := done; i < len(task.Target.FindingIDs) && len(out) < n; i++ {
		end = strconv.Itoa(i + 1)
		f, err := tx.AuditFinding(ctx, task.Target.FindingIDs[i], 0)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, "", err
		}
		if _, mapped := task.Mapping[f.CheckName]; mapped {
			out = append(out, walkedFinding{AuditFinding: f, key: end})
		}
	}
	return out, end, nil
}

func walkAudit(ctx context.Context, tx store.ReadTx, task iot.MitigationTask, n int) ([]walkedFinding, string, error) {
	cursorCheck, _, _ := strings.Cut(task.Cursor, "\x00")
	end := task.Cursor
	var out []walkedFinding
	for _, name := range slices.Sorted(maps.Keys(task.Mapping)) {
		if name < cursorCheck || len(out) == n {
			continue
		}
		p := store.Page{Limit: n - len(out)}
		if name == cursorCheck {
			p.After = task.Cursor
		}
		page, _, err := tx.AuditFindings(ctx, store.AuditFindingFilter{TaskID: task.Target.AuditTaskID, CheckName: name}, p)
		if err != nil {
			return nil, "", err
		}
		for _, f := range page {
			end = store.AuditFindingKey(f, true)
			out = append(out, walkedFinding{AuditFinding: f, key: end})
		}
	}
	return out, end, nil
}
