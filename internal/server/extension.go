package server

import (
	"encoding/json"
	"net/http"

	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/store"
)

// AuditDataExtensions are iotdefender's own endpoints for the data the audit
// checks read that the AWS IoT API does not carry: CRLs and device connection
// records.
func AuditDataExtensions(st store.Store, clk clock.Clock) []Extension {
	return []Extension{crlUpload(st, clk), connectionEventsIngest(st)}
}

// writeExtensionJSON answers an extension request with a JSON body.
func writeExtensionJSON(w http.ResponseWriter, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(body)
	return err
}
