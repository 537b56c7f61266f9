package policydoc

import (
	"errors"
	"slices"
	"testing"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// FuzzParse checks that Parse never panics and refuses only with
// MalformedPolicy, and that Analyze never panics on what Parse accepts and
// reports only catalog actions and non-empty findings. Seeds are in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, document string) {
		doc, err := Parse(document)
		if err != nil {
			if !errors.Is(err, iot.MalformedPolicy) {
				t.Fatalf("Parse error of kind %v: %v", iot.KindOf(err), err)
			}
			return
		}
		analysis := Analyze(doc)
		for _, action := range analysis.BroadActions {
			if !slices.ContainsFunc(dataPlaneActions, func(a dataPlaneAction) bool { return a.name == action }) {
				t.Errorf("BroadActions holds %q, not a catalog action", action)
			}
		}
		for _, m := range analysis.Misconfigurations {
			if len(m.Resources) == 0 || m.Message() == "" {
				t.Errorf("empty misconfiguration %+v", m)
			}
		}
	})
}
