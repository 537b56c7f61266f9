package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// ConnectionEventsPath is where device connection records are sent (POST,
// body {"events": [...]}, each an AWS IoT lifecycle event).
const ConnectionEventsPath = "/_iotdefender/v1/connection-events"

// maxEventsBody bounds a batch: some 50,000 lifecycle events.
const maxEventsBody = 16 << 20

// lifecycleEvent is the JSON of an AWS IoT connected or disconnected lifecycle
// event. Pointers tell absent members from empty ones; members the audit does
// not read (thingName, clientInitiatedDisconnect) are accepted and ignored.
type lifecycleEvent struct {
	ClientID            *string      `json:"clientId"`
	Timestamp           *json.Number `json:"timestamp"`
	EventType           *string      `json:"eventType"`
	SessionIdentifier   *string      `json:"sessionIdentifier"`
	PrincipalIdentifier *string      `json:"principalIdentifier"`
	IPAddress           *string      `json:"ipAddress"`
	DisconnectReason    *string      `json:"disconnectReason"`
	VersionNumber       *json.Number `json:"versionNumber"`
}

// connectionEventsIngest stores a batch of connection records. A malformed
// event refuses the whole batch, naming its index and field; nothing is stored
// then.
func connectionEventsIngest(st store.Store) Extension {
	return Extension{Method: http.MethodPost, Path: ConnectionEventsPath, MaxBody: maxEventsBody,
		Serve: func(ctx context.Context, account string, req *awsjson.Request, w http.ResponseWriter) error {
			events, err := decodeConnectionEvents(req.Body)
			if err != nil {
				return err
			}
			if err := st.Update(ctx, account, func(tx store.Tx) error { return tx.AddConnectionEvents(ctx, events) }); err != nil {
				return err
			}
			return writeExtensionJSON(w, map[string]int{"accepted": len(events)})
		}}
}

func decodeConnectionEvents(body []byte) ([]iot.ConnectionEvent, error) {
	var batch struct {
		Events *[]json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &batch); err != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "The request body must be a JSON object {\"events\": [...]}: %v.", err)
	}
	if batch.Events == nil {
		return nil, iot.Errorf(iot.InvalidRequest, "The request body has no \"events\" array.")
	}
	events := make([]iot.ConnectionEvent, 0, len(*batch.Events))
	for i, raw := range *batch.Events {
		e, err := decodeConnectionEvent(raw)
		if err != nil {
			return nil, iot.Errorf(iot.InvalidRequest, "events[%d]: %v", i, err)
		}
		events = append(events, e)
	}
	return events, nil
}

func decodeConnectionEvent(raw json.RawMessage) (iot.ConnectionEvent, error) {
	var le lifecycleEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&le); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return iot.ConnectionEvent{}, fmt.Errorf("%s has the wrong type: a JSON %s.", typeErr.Field, typeErr.Value)
		}
		return iot.ConnectionEvent{}, fmt.Errorf("not a lifecycle event object: %v.", err)
	}
	var e iot.ConnectionEvent
	var err error
	if e.ClientID, err = required("clientId", le.ClientID); err != nil {
		return e, err
	}
	if e.Principal, err = required("principalIdentifier", le.PrincipalIdentifier); err != nil {
		return e, err
	}
	eventType, err := required("eventType", le.EventType)
	if err != nil {
		return e, err
	}
	switch e.Type = iot.ConnectionEventType(eventType); e.Type {
	case iot.Connected:
		if le.DisconnectReason != nil {
			return e, errors.New("disconnectReason is only for disconnected events.")
		}
	case iot.Disconnected:
	default:
		return e, fmt.Errorf("eventType must be connected or disconnected, not %q.", eventType)
	}
	if le.Timestamp == nil {
		return e, errors.New("timestamp is required (epoch milliseconds).")
	}
	ms, err := le.Timestamp.Int64()
	if err != nil || ms < 0 {
		return e, fmt.Errorf("timestamp must be epoch milliseconds, a whole number, not %s.", le.Timestamp)
	}
	e.Timestamp = time.UnixMilli(ms).UTC()
	if le.VersionNumber != nil {
		if e.VersionNumber, err = le.VersionNumber.Int64(); err != nil {
			return e, fmt.Errorf("versionNumber must be a whole number, not %s.", le.VersionNumber)
		}
	}
	e.SessionID = deref(le.SessionIdentifier)
	e.IPAddress = deref(le.IPAddress)
	e.DisconnectReason = deref(le.DisconnectReason)
	return e, nil
}

func required(field string, v *string) (string, error) {
	if v == nil || *v == "" {
		return "", fmt.Errorf("%s is required.", field)
	}
	return *v, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
