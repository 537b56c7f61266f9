package policydoc

import (
	"strings"
	"testing"
)

// arn is the ARN header of the account and region the test policies use.
const arn = "arn:aws:iot:us-east-1:123456789012:"

// policy wraps statements (JSON objects) in a 2012-10-17 document.
func policy(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ",") + `]}`
}

// mustParse parses a document the test expects to be valid.
func mustParse(t testing.TB, document string) *Document {
	t.Helper()
	doc, err := Parse(document)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, document)
	}
	return doc
}
