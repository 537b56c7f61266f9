package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
)

const mitigationExecutionColumns = `task_id, finding_id, seq, action_name, action_id, status, start_time, end_time,
	error_code, message`

func scanMitigationExecution(rows *sql.Rows) (iot.MitigationExecution, error) {
	var x iot.MitigationExecution
	var start, end int64
	err := rows.Scan(&x.TaskID, &x.FindingID, &x.Seq, &x.ActionName, &x.ActionID, &x.Status, &start, &end,
		&x.ErrorCode, &x.Message)
	x.StartTime, x.EndTime = fromMillis(start), fromMillis(end)
	return x, err
}

func (t *tx) MitigationExecutions(ctx context.Context, taskID, findingID string) ([]iot.MitigationExecution, error) {
	return auditCollect(ctx, t, scanMitigationExecution, `SELECT `+mitigationExecutionColumns+` FROM mitigation_executions
		WHERE account_id = ? AND task_id = ? AND finding_id = ? ORDER BY seq`, t.account, taskID, findingID)
}

func (t *tx) InProgressMitigationExecutions(ctx context.Context) ([]iot.MitigationExecution, error) {
	return auditCollect(ctx, t, scanMitigationExecution, `SELECT `+mitigationExecutionColumns+`
		FROM mitigation_executions INDEXED BY mitigation_executions_in_progress
		WHERE account_id = ? AND status = 'IN_PROGRESS' ORDER BY task_id, finding_id, seq`, t.account)
}

// executionsPerStatement is how many executions one INSERT writes: a chunk
// of a task's findings is written in a few statements.
const executionsPerStatement = 100

// insertExecutions returns the statement that writes n executions.
func insertExecutions(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO mitigation_executions (account_id, ` + mitigationExecutionColumns + `) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	b.WriteString(` ON CONFLICT (account_id, task_id, finding_id, seq) DO UPDATE SET action_name = excluded.action_name,
		action_id = excluded.action_id, status = excluded.status, start_time = excluded.start_time,
		end_time = excluded.end_time, error_code = excluded.error_code, message = excluded.message`)
	return b.String()
}

var (
	insertExecutionsFull = insertExecutions(executionsPerStatement)
	insertExecution      = insertExecutions(1)
)

func (t *tx) PutMitigationExecutions(ctx context.Context, xs []iot.MitigationExecution) error {
	for len(xs) > 0 {
		n, query := 1, insertExecution
		if len(xs) >= executionsPerStatement {
			n, query = executionsPerStatement, insertExecutionsFull
		}
		args := make([]any, 0, 11*n)
		for _, x := range xs[:n] {
			args = append(args, t.account, x.TaskID, x.FindingID, x.Seq, x.ActionName, x.ActionID, string(x.Status),
				millis(x.StartTime), millis(x.EndTime), x.ErrorCode, x.Message)
		}
		if _, err := t.exec(query, args...); err != nil {
			return err
		}
		xs = xs[n:]
	}
	return nil
}
