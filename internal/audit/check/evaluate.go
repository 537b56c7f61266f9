package check

import (
	"fmt"
	"iter"
	"reflect"

	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Data is a kind of account data that checks read. An Evaluator reads each kind
// once per audit, whatever the number of checks that read it, and hands every
// row to each of them.
type Data int

// Kinds of data, each with the type of its rows.
const (
	// NoData is read by the checks iotdefender cannot run (Metadata.Unsupported).
	NoData Data = iota
	// DeviceCertificates: *iot.Certificate, every device certificate in status
	// ACTIVE or PENDING_TRANSFER, in no particular order, with its id, status,
	// creation time and X.509 facts (not the key's algorithm and size, nor the
	// CRL distribution points); the other fields are left empty.
	DeviceCertificates
	// CACertificates: *iot.CACertificate, every ACTIVE CA certificate (CA
	// certificates have no PENDING_TRANSFER status), without DER.
	CACertificates
	// IntermediateCAs: *IntermediateCA, every intermediate CA certificate that
	// device certificates chain through.
	IntermediateCAs
	// PolicyVersions: *iot.PolicyVersion, the default version of every IoT
	// policy with the analysis stored when it was created.
	PolicyVersions
	// ConnectionsByPrincipal: *ConnectionGroup keyed by principal (certificate
	// id), each with its connection records in the run's window, oldest first,
	// with their principal, timestamp, client id, session id and type; the
	// other fields are left empty.
	ConnectionsByPrincipal
	// TakeoversByClientID: *ConnectionGroup keyed by client id, each with its
	// DUPLICATE_CLIENTID disconnections in the run's window, oldest first, with
	// the fields of ConnectionsByPrincipal and the disconnect reason.
	// Scope.ClientIDs counts the client ids seen in the window.
	TakeoversByClientID
	// LoggingOptions: one *LoggingSettings, the account's logging options.
	LoggingOptions
)

var dataNames = map[Data]string{
	NoData: "no data", DeviceCertificates: "device certificates", CACertificates: "CA certificates",
	IntermediateCAs: "intermediate CA certificates", PolicyVersions: "default policy versions",
	ConnectionsByPrincipal: "connection records by principal", TakeoversByClientID: "client id takeovers",
	LoggingOptions: "logging options",
}

func (d Data) String() string {
	if name, ok := dataNames[d]; ok {
		return name
	}
	return fmt.Sprintf("Data(%d)", int(d))
}

// rowTypes is the row type of each kind of data.
var rowTypes = map[Data]reflect.Type{
	DeviceCertificates:     reflect.TypeFor[*iot.Certificate](),
	CACertificates:         reflect.TypeFor[*iot.CACertificate](),
	IntermediateCAs:        reflect.TypeFor[*IntermediateCA](),
	PolicyVersions:         reflect.TypeFor[*iot.PolicyVersion](),
	ConnectionsByPrincipal: reflect.TypeFor[*ConnectionGroup](),
	TakeoversByClientID:    reflect.TypeFor[*ConnectionGroup](),
	LoggingOptions:         reflect.TypeFor[*LoggingSettings](),
}

// IntermediateCA is an intermediate CA certificate of the account: a
// certificate registered in a device certificate's chain, or a registered CA
// certificate that is not self-issued.
type IntermediateCA struct {
	ID string
	// Registered is true for a registered CA certificate, false for a chain
	// certificate.
	Registered bool
	X509       iot.X509Facts
	// Devices streams, in the audit's snapshot, the ids of the ACTIVE or
	// PENDING_TRANSFER device certificates that chain through it.
	Devices iter.Seq2[string, error]
}

// ConnectionGroup is the connection records of one principal or client id.
type ConnectionGroup struct {
	Key    string
	Events []iot.ConnectionEvent
}

// LoggingSettings are the account's logging options; nil when never set.
type LoggingSettings struct {
	V1 *iot.LoggingOptions
	V2 *iot.V2LoggingOptions
}

// Inputs are what a check reads besides its rows.
type Inputs uint8

const (
	// NeedsRevocations: Scope.Revocations, the account's verified CRLs.
	NeedsRevocations Inputs = 1 << iota
)

// Scope is one run of a check as its visitor sees it.
type Scope struct {
	Env    Env
	Report Reporter
	// WeakKeys is the weak-key blocklist (CVE-2008-0166) iotdefender was
	// started with; nil when it has none.
	WeakKeys *certs.WeakKeyBlocklist
	// Revocations is set for the checks that need it (NeedsRevocations).
	Revocations *Revocations
	// ClientIDs is, for the checks reading TakeoversByClientID, the number of
	// distinct client ids with connection records in the window.
	ClientIDs int64
}

// Visitor reads the rows of one run, one at a time, then End. An error from
// either stops the run: the check is then FAILED with that error. A row is
// the evaluator's again once Visit returns (it may reuse it for the next):
// a visitor keeps what it needs of a row, never the row itself.
type Visitor[R any] interface {
	Visit(row R) error
	// End is called after the last row; a check that reports across rows (or
	// sets its message) does it here.
	End() error
}

// VisitFunc is a Visitor with nothing to do at the end.
type VisitFunc[R any] func(row R) error

// Visit calls f.
func (f VisitFunc[R]) Visit(row R) error { return f(row) }

// End does nothing.
func (VisitFunc[R]) End() error { return nil }

// evaluation says which data a check reads and how.
type evaluation struct {
	data   Data
	inputs Inputs
	// begin is a func(*Scope) Visitor[R] for the row type R of data.
	begin any
}

// New returns a check that reads data d, one row of type R at a time, through
// the visitor begin makes for each run. R must be the row type of d.
func New[R any](m Metadata, d Data, inputs Inputs, begin func(*Scope) Visitor[R]) *Check {
	if want := rowTypes[d]; want != reflect.TypeFor[R]() {
		panic(fmt.Sprintf("check %s: rows of %v are %v, not %v", m.Name, d, want, reflect.TypeFor[R]()))
	}
	if m.Unsupported != "" {
		panic(fmt.Sprintf("check %s: an unsupported check reads no data", m.Name))
	}
	return &Check{Metadata: m, evaluation: evaluation{data: d, inputs: inputs, begin: begin}}
}

// NewUnsupported returns a check that iotdefender cannot run: m.Unsupported
// says which data it lacks, and every run of the check is FAILED with it.
func NewUnsupported(m Metadata) *Check {
	if m.Unsupported == "" {
		panic(fmt.Sprintf("check %s: Unsupported must say which data is missing", m.Name))
	}
	return &Check{Metadata: m}
}

// Reads returns the kind of data the check reads.
func (e evaluation) Reads() Data { return e.data }

// Needs reports whether the check reads input i.
func (e evaluation) Needs(i Inputs) bool { return e.inputs&i != 0 }

// Begin starts the visitor of one run of c over rows of type R; ok=false when c
// does not read rows of that type.
func Begin[R any](c *Check, s *Scope) (v Visitor[R], ok bool) {
	begin, ok := c.begin.(func(*Scope) Visitor[R])
	if !ok {
		return nil, false
	}
	return begin(s), true
}
