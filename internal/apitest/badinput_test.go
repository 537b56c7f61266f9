package apitest

import (
	"crypto/sha256"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/server"
)

// Bad input of every kind, sent raw so that no client-side validation stands
// in the way: each request is refused with an AWS-shaped error naming what is
// wrong, and the account's state is the same after it as before.

// badinputCase is one bad request and the message of its refusal.
type badinputCase struct {
	name    string
	req     badinputRequest
	message string
	// absent names a resource the request would have created.
	absent badinputResource
}

func TestBadInputValidation(t *testing.T) {
	e := newEnv(t)
	seed := badinputSetUp(t, e.Client)
	before := badinputSnapshot(t, e.Client)
	status := badinputModelStatus(t, "InvalidRequestException")
	if status != 400 {
		t.Fatalf("the model gives InvalidRequestException the status %d", status)
	}

	for _, tc := range badinputValidationCases(seed) {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.badinputDo(t, tc.req)
			badinputWantError(t, resp, status, "InvalidRequestException", tc.message)
			if tc.absent.kind != "" {
				tc.absent.wantAbsent(t, e.Client)
			}
			if diff := cmp.Diff(before, badinputSnapshot(t, e.Client)); diff != "" {
				t.Errorf("the account changed (-before +after):\n%s", diff)
			}
		})
	}
}

const (
	badinputTooLong  = "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d"
	badinputNotNull  = "Value null at '%s' failed to satisfy constraint: Member must not be null"
	badinputNamePat  = "[a-zA-Z0-9:_-]+"
	badinputAttrPat  = "[a-zA-Z0-9_.,@/:#=\\[\\]-]*"
	badinputLogLevel = "[DEBUG, INFO, ERROR, WARN, DISABLED]"
)

func badinputOne(violation string) string { return "1 validation error detected: " + violation }

func badinputPattern(value, path, pattern string) string {
	return "Value '" + value + "' at '" + path + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + pattern
}

func badinputValidationCases(seed badinputSeed) []badinputCase {
	long129 := strings.Repeat("a", 129)
	long801 := strings.Repeat("v", 801)
	long257 := strings.Repeat("w", 257)
	certPath := "/certificates/" + seed.certID
	groupARN := "arn:aws:iot:" + region + ":" + firstAccount + ":thinggroup/" + badinputGroup
	pem := badinputCertificatePEM()
	pemJSON := badinputJSONString(pem)
	newThing := badinputResource{"thing", "badinput-new"}
	newPolicy := badinputResource{"policy", "badinput-new-policy"}
	newAlias := badinputResource{"role-alias", "badinput-new-alias"}
	newCert := badinputResource{"certificate", badinputCertificateID(pem)}
	get := func(path string) badinputRequest { return badinputRequest{method: "GET", path: path} }
	post := func(path, body string) badinputRequest {
		return badinputRequest{method: "POST", path: path, body: body}
	}
	patch := func(path, body string) badinputRequest {
		return badinputRequest{method: "PATCH", path: path, body: body}
	}
	put := func(path, body string) badinputRequest { return badinputRequest{method: "PUT", path: path, body: body} }
	del := func(path string) badinputRequest { return badinputRequest{method: "DELETE", path: path} }
	const twoTimes = "startTime=2024-01-01T00:00:00Z&endTime=2024-01-02T00:00:00Z"

	return []badinputCase{
		// Required members, wherever they travel.
		{name: "required body member missing", req: post("/policies/badinput-new-policy", `{}`),
			message: badinputOne("Value null at 'policyDocument' failed to satisfy constraint: Member must not be null"), absent: newPolicy},
		{name: "required body member null", req: post("/policies/badinput-new-policy", `{"policyDocument":null}`),
			message: badinputOne("Value null at 'policyDocument' failed to satisfy constraint: Member must not be null"), absent: newPolicy},
		{name: "required body member with no body", req: post("/policies/badinput-new-policy", ``),
			message: badinputOne("Value null at 'policyDocument' failed to satisfy constraint: Member must not be null"), absent: newPolicy},
		{name: "required query member missing", req: get("/audit/tasks?endTime=2024-01-02T00:00:00Z"),
			message: badinputOne("Value null at 'startTime' failed to satisfy constraint: Member must not be null")},
		{name: "required query members both missing", req: get("/audit/tasks"),
			message: "2 validation errors detected: Value null at 'endTime' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'startTime' failed to satisfy constraint: Member must not be null"},
		{name: "required query member missing on a write", req: put(certPath, ""),
			message: badinputOne("Value null at 'newStatus' failed to satisfy constraint: Member must not be null")},
		{name: "required header member missing", req: put("/things/"+badinputThing+"/principals", ""),
			message: badinputOne("Value null at 'principal' failed to satisfy constraint: Member must not be null")},
		{name: "required nested member missing", req: post("/v2LoggingLevel", `{"logLevel":"ERROR","logTarget":{"targetName":"badinput-group"}}`),
			message: badinputOne("Value null at 'logTarget.targetType' failed to satisfy constraint: Member must not be null")},
		{name: "required member of a payload missing", req: post("/loggingOptions", `{"logLevel":"DEBUG"}`),
			message: badinputOne("Value null at 'loggingOptionsPayload.roleArn' failed to satisfy constraint: Member must not be null")},
		{name: "required tag key missing", req: post("/thing-groups/badinput-new-group", `{"tags":[{"Value":"x"}]}`),
			message: badinputOne("Value null at 'tags.1.member.Key' failed to satisfy constraint: Member must not be null"),
			absent:  badinputResource{"thing-group", "badinput-new-group"}},

		// Lengths.
		{name: "path label too long", req: post("/things/"+long129, `{}`),
			message: badinputOne("Value '" + long129 + "' at 'thingName' failed to satisfy constraint: Member must have length less than or equal to 128")},
		{name: "empty string where min is 1", req: post("/things/badinput-new", `{"thingTypeName":""}`),
			message: "2 validation errors detected: Value '' at 'thingTypeName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				badinputPattern("", "thingTypeName", badinputNamePat), absent: newThing},
		{name: "body string too short", req: post("/role-aliases/badinput-new-alias", `{"roleArn":"arn:aws:iam::1:r"}`),
			message: badinputOne("Value 'arn:aws:iam::1:r' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"), absent: newAlias},
		{name: "query string too long", req: get("/things?attributeName=" + long129),
			message: badinputOne("Value '" + long129 + "' at 'attributeName' failed to satisfy constraint: Member must have length less than or equal to 128")},

		// Patterns.
		{name: "path label pattern, URL-escaped", req: post("/things/bad%20name", `{}`),
			message: badinputOne(badinputPattern("bad name", "thingName", badinputNamePat))},
		{name: "path label with an escaped slash", req: get("/things/bad%2Fname"),
			message: badinputOne(badinputPattern("bad/name", "thingName", badinputNamePat))},
		{name: "query pattern", req: get("/things?thingTypeName=bad%20type"),
			message: badinputOne(badinputPattern("bad type", "thingTypeName", badinputNamePat))},
		{name: "body pattern", req: post("/audit/scheduledaudits/badinput-new-audit",
			`{"frequency":"MONTHLY","dayOfMonth":"32","targetCheckNames":["`+badinputCheck+`"]}`),
			message: badinputOne(badinputPattern("32", "dayOfMonth", "^([1-9]|[12][0-9]|3[01])$|^LAST$")),
			absent:  badinputResource{"scheduled-audit", "badinput-new-audit"}},
		{name: "certificate id pattern on a delete", req: del("/certificates/" + strings.Repeat("z", 64)),
			message: badinputOne(badinputPattern(strings.Repeat("z", 64), "certificateId", "(0x)?[a-fA-F0-9]+"))},

		// Ranges.
		{name: "query integer below range", req: get("/things?maxResults=0"),
			message: badinputOne("Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1")},
		{name: "query integer above range", req: get("/things?maxResults=251"),
			message: badinputOne("Value '251' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 250")},
		{name: "query page size below range", req: get("/certificates?pageSize=0"),
			message: badinputOne("Value '0' at 'pageSize' failed to satisfy constraint: Member must have value greater than or equal to 1")},
		{name: "body integer below range", req: post("/role-aliases/badinput-new-alias", `{"roleArn":"`+badinputRoleARN+`","credentialDurationSeconds":60}`),
			message: badinputOne("Value '60' at 'credentialDurationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"), absent: newAlias},
		{name: "body integer above range on an update", req: put("/role-aliases/"+badinputAlias, `{"credentialDurationSeconds":43201}`),
			message: badinputOne("Value '43201' at 'credentialDurationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200")},

		// Enums.
		{name: "query enum", req: put(certPath+"?newStatus=BROKEN", ""),
			message: badinputOne("Value 'BROKEN' at 'newStatus' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, REGISTER_INACTIVE, PENDING_ACTIVATION]")},
		{name: "query enum in lower case", req: put(certPath+"?newStatus=inactive", ""),
			message: badinputOne("Value 'inactive' at 'newStatus' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, REGISTER_INACTIVE, PENDING_ACTIVATION]")},
		{name: "body enum", req: post("/v2LoggingOptions", `{"roleArn":"`+badinputRoleARN+`","defaultLogLevel":"LOUD"}`),
			message: badinputOne("Value 'LOUD' at 'defaultLogLevel' failed to satisfy constraint: Member must satisfy enum value set: " + badinputLogLevel)},
		{name: "body enum next to a valid target", req: post("/v2LoggingLevel", `{"logLevel":"LOUD","logTarget":{"targetType":"THING_GROUP","targetName":"badinput-group"}}`),
			message: badinputOne("Value 'LOUD' at 'logLevel' failed to satisfy constraint: Member must satisfy enum value set: " + badinputLogLevel)},
		{name: "payload enum", req: post("/loggingOptions", `{"roleArn":"`+badinputRoleARN+`","logLevel":"LOUD"}`),
			message: badinputOne("Value 'LOUD' at 'loggingOptionsPayload.logLevel' failed to satisfy constraint: Member must satisfy enum value set: " + badinputLogLevel)},

		// Nested members.
		{name: "attribute value too long", req: patch("/things/"+badinputThing, `{"attributePayload":{"attributes":{"color":"`+long801+`"}}}`),
			message: badinputOne("Value '" + long801 + "' at 'attributePayload.attributes.color' failed to satisfy constraint: Member must have length less than or equal to 800")},
		{name: "attribute value pattern", req: patch("/things/"+badinputThing, `{"attributePayload":{"attributes":{"color":"dark blue"}}}`),
			message: badinputOne(badinputPattern("dark blue", "attributePayload.attributes.color", badinputAttrPat))},
		{name: "attribute value pattern on create", req: post("/things/badinput-new", `{"attributePayload":{"attributes":{"color":"dark blue"}}}`),
			message: badinputOne(badinputPattern("dark blue", "attributePayload.attributes.color", badinputAttrPat)), absent: newThing},
		{name: "tag key pattern", req: post("/tags", `{"resourceArn":"`+groupARN+`","tags":[{"Key":"team","Value":"ops"},{"Key":"bad*key","Value":"x"}]}`),
			message: badinputOne(badinputPattern("bad*key", "tags.2.member.Key", `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`))},
		{name: "tag value too long", req: post("/thing-types/badinput-new-type", `{"tags":[{"Key":"a","Value":"`+long257+`"}]}`),
			message: badinputOne("Value '" + long257 + "' at 'tags.1.member.Value' failed to satisfy constraint: Member must have length less than or equal to 256"),
			absent:  badinputResource{"thing-type", "badinput-new-type"}},

		// Several violations at once.
		{name: "two query violations", req: get("/things?maxResults=0&thingTypeName=bad%20type"),
			message: "2 validation errors detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				badinputPattern("bad type", "thingTypeName", badinputNamePat)},
		{name: "path and body violations", req: patch("/things/bad%20name", `{"thingTypeName":"`+long129+`"}`),
			message: "2 validation errors detected: " + badinputPattern("bad name", "thingName", badinputNamePat) + "; " +
				"Value '" + long129 + "' at 'thingTypeName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{name: "three body violations on create", req: post("/role-aliases/badinput-new-alias", `{"roleArn":"short","credentialDurationSeconds":1,"tags":[{"Key":""}]}`),
			message: "3 validation errors detected: Value '1' at 'credentialDurationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900; " +
				"Value 'short' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
				"Value '' at 'tags.1.member.Key' failed to satisfy constraint: Member must have length greater than or equal to 1",
			absent: newAlias},

		{name: "three attributes too long", req: patch("/things/"+badinputThing, `{"attributePayload":{"attributes":{"c":"`+long801+`","a":"`+long801+`","b":"`+long801+`"}}}`),
			message: "3 validation errors detected: " +
				"Value '" + long801 + "' at 'attributePayload.attributes.a' failed to satisfy constraint: Member must have length less than or equal to 800; " +
				"Value '" + long801 + "' at 'attributePayload.attributes.b' failed to satisfy constraint: Member must have length less than or equal to 800; " +
				"Value '" + long801 + "' at 'attributePayload.attributes.c' failed to satisfy constraint: Member must have length less than or equal to 800"},

		// Bodies that are not JSON, or not an object.
		{name: "truncated body", req: post("/things/badinput-new", `{"attributePayload":{"attributes":`),
			message: "The request body is not valid JSON: unexpected end of JSON input (at byte 34).", absent: newThing},
		{name: "trailing garbage", req: post("/things/badinput-new", `{"thingTypeName":"`+badinputType+`"} x`),
			message: "The request body is not valid JSON: invalid character 'x' after top-level value (at byte 35).", absent: newThing},
		{name: "two objects", req: post("/things/badinput-new", `{}{}`),
			message: "The request body is not valid JSON: invalid character '{' after top-level value (at byte 3).", absent: newThing},
		{name: "unquoted key", req: patch("/things/"+badinputThing, `{thingTypeName:"x"}`),
			message: "The request body is not valid JSON: invalid character 't' looking for beginning of object key string (at byte 2)."},
		{name: "body is a list", req: post("/things/badinput-new", `[]`),
			message: "The request body must be a JSON object, not a JSON array.", absent: newThing},
		{name: "body is a string", req: post("/things/badinput-new", `"x"`),
			message: "The request body must be a JSON object, not a JSON string.", absent: newThing},
		{name: "body is a number", req: patch("/things/"+badinputThing, `5`),
			message: "The request body must be a JSON object, not a JSON number."},
		{name: "payload body is a list", req: post("/loggingOptions", `[{"roleArn":"`+badinputRoleARN+`"}]`),
			message: "The request body must be a JSON object, not a JSON array."},

		// Members of the wrong type.
		{name: "number where a string is expected", req: post("/things/badinput-new", `{"thingTypeName":5}`),
			message: "Value of type number at 'thingTypeName' has the wrong type: expected a string.", absent: newThing},
		{name: "object where a list is expected", req: post("/policies/badinput-new-policy", `{"policyDocument":`+badinputJSONString(badinputDocument)+`,"tags":{"Key":"a"}}`),
			message: "Value of type object at 'tags' has the wrong type: expected a list.", absent: newPolicy},
		{name: "string where a boolean is expected", req: patch("/things/"+badinputThing, `{"thingTypeName":"`+badinputType+`","removeThingType":"yes"}`),
			message: "Value of type string at 'removeThingType' has the wrong type: expected a boolean."},
		{name: "policy document as an object", req: post("/policies/badinput-new-policy", `{"policyDocument":`+badinputDocument+`}`),
			message: "Value of type object at 'policyDocument' has the wrong type: expected a string.", absent: newPolicy},
		{name: "certificate PEM as a list", req: post("/certificate/register-no-ca", `{"certificatePem":[`+pemJSON+`]}`),
			message: "Value of type array at 'certificatePem' has the wrong type: expected a string.", absent: newCert},
		{name: "certificate status as a number", req: post("/certificate/register-no-ca", `{"certificatePem":`+pemJSON+`,"status":1}`),
			message: "Value of type number at 'status' has the wrong type: expected a string.", absent: newCert},
		{name: "attribute value as a number", req: patch("/things/"+badinputThing, `{"attributePayload":{"attributes":{"color":1}}}`),
			message: "Value of type number at 'attributePayload.attributes.color' has the wrong type: expected a string."},
		{name: "attribute payload as a string", req: post("/things/badinput-new", `{"attributePayload":"color=blue"}`),
			message: "Value of type string at 'attributePayload' has the wrong type: expected an object.", absent: newThing},
		{name: "tag as a string", req: post("/thing-types/badinput-new-type", `{"tags":["team"]}`),
			message: "Value of type string at 'tags.1.member' has the wrong type: expected an object.",
			absent:  badinputResource{"thing-type", "badinput-new-type"}},
		{name: "long as a string", req: patch("/things/"+badinputThing, `{"thingTypeName":"`+badinputType+`","expectedVersion":"1"}`),
			message: "Value of type string at 'expectedVersion' has the wrong type: expected an integer of 64 bits."},
		{name: "integer with a fraction", req: put("/role-aliases/"+badinputAlias, `{"credentialDurationSeconds":3600.5}`),
			message: "Value of type number at 'credentialDurationSeconds' has the wrong type: expected an integer of 32 bits."},
		{name: "integer over 32 bits", req: put("/role-aliases/"+badinputAlias, `{"credentialDurationSeconds":4294967296}`),
			message: "Value of type number at 'credentialDurationSeconds' has the wrong type: expected an integer of 32 bits."},

		// Query strings and labels that do not parse.
		{name: "query integer not a number", req: get("/things?maxResults=abc"),
			message: "Value 'abc' at 'maxResults' failed to satisfy constraint: Member must be an integer"},
		{name: "query integer over 32 bits", req: get("/thing-types?maxResults=4294967296"),
			message: "Value '4294967296' at 'maxResults' failed to satisfy constraint: Member must be an integer"},
		{name: "query boolean not a boolean", req: get("/things?usePrefixAttributeValue=true1"),
			message: "Value 'true1' at 'usePrefixAttributeValue' failed to satisfy constraint: Member must be a boolean"},
		{name: "query boolean under another key", req: get("/certificates?isAscendingOrder=yes"),
			message: "Value 'yes' at 'ascendingOrder' failed to satisfy constraint: Member must be a boolean"},
		{name: "query timestamp not a timestamp", req: get("/audit/tasks?startTime=yesterday&endTime=2024-01-02T00:00:00Z"),
			message: "Value 'yesterday' at 'startTime' failed to satisfy constraint: Member must be a timestamp"},
		{name: "query integer not a number on a list with times", req: get("/audit/tasks?" + twoTimes + "&maxResults=ten"),
			message: "Value 'ten' at 'maxResults' failed to satisfy constraint: Member must be an integer"},
		{name: "query long on a delete", req: del("/things/" + badinputThing + "?expectedVersion=abc"),
			message: "Value 'abc' at 'expectedVersion' failed to satisfy constraint: Member must be an integer"},
		{name: "query boolean on a delete", req: del(certPath + "?forceDelete=yes"),
			message: "Value 'yes' at 'forceDelete' failed to satisfy constraint: Member must be a boolean"},
		{name: "query boolean on a create", req: post("/policies/"+badinputPolicy+"/version?setAsDefault=true1",
			`{"policyDocument":`+badinputJSONString(badinputDocument)+`}`),
			message: "Value 'true1' at 'setAsDefault' failed to satisfy constraint: Member must be a boolean"},
		{name: "query value with a malformed escape", req: get("/things?thingTypeName=bad%zz"),
			message: `The value of the query string parameter 'thingTypeName' is not URL-encoded correctly: invalid URL escape "%zz".`},
		{name: "query value with a malformed escape on a delete", req: del("/things/" + badinputLone + "?expectedVersion=%zz"),
			message: `The value of the query string parameter 'expectedVersion' is not URL-encoded correctly: invalid URL escape "%zz".`},
		{name: "query value with a truncated escape on an update", req: put(certPath+"?newStatus=INACTIVE%", ""),
			message: `The value of the query string parameter 'newStatus' is not URL-encoded correctly: invalid URL escape "%".`},
		{name: "query name with a malformed escape", req: get("/things?max%zResults=1"),
			message: `The name of a query string parameter is not URL-encoded correctly: invalid URL escape "%zR".`},
		{name: "query parameters separated by a semicolon", req: get("/things?maxResults=1;thingTypeName=" + badinputType),
			message: "The query string must separate its parameters with '&', not ';'."},
		{name: "path label integer not a number", req: get("/provisioning-templates/badinput-template/versions/abc"),
			message: "Value 'abc' at 'versionId' failed to satisfy constraint: Member must be an integer"},
	}
}

// Requests that reach no operation iotdefender serves: an AWS-shaped error
// all the same, and nothing changed.
func TestBadInputNoOperation(t *testing.T) {
	e := newEnv(t)
	badinputSetUp(t, e.Client)
	before := badinputSnapshot(t, e.Client)
	groupARN := "arn:aws:iot:" + region + ":" + firstAccount + ":thinggroup/" + badinputGroup

	tests := []struct {
		name    string
		req     badinputRequest
		status  int
		code    string
		message string
	}{
		{"unknown path", badinputRequest{method: "GET", path: "/no-such-resource"},
			404, "UnknownOperationException", "No operation matches GET /no-such-resource."},
		{"method the path does not have", badinputRequest{method: "PATCH", path: "/policies/" + badinputPolicy, body: `{}`},
			404, "UnknownOperationException", "No operation matches PATCH /policies/" + badinputPolicy + "."},
		{"empty path label", badinputRequest{method: "POST", path: "/things/", body: `{}`},
			404, "UnknownOperationException", "No operation matches POST /things/."},
		{"empty label inside the path", badinputRequest{method: "PUT", path: "/things//principals"},
			404, "UnknownOperationException", "No operation matches PUT /things//principals."},
		{"unknown path of the extension API", badinputRequest{method: "GET", path: "/_iotdefender/no-such-extension"},
			404, "UnknownOperationException", "No operation matches GET /_iotdefender/no-such-extension."},
		{"unimplemented read", badinputRequest{method: "GET", path: "/jobs"},
			501, "NotImplementedException", "iotdefender does not implement the operation ListJobs."},
		{"unimplemented write", badinputRequest{method: "POST", path: "/billing-groups/badinput-billing", body: `{}`},
			501, "NotImplementedException", "iotdefender does not implement the operation CreateBillingGroup."},
		{"unimplemented write on a registry resource", badinputRequest{method: "PUT", path: "/jobs/badinput-job",
			body: `{"targets":["` + groupARN + `"],"document":"{}"}`},
			501, "NotImplementedException", "iotdefender does not implement the operation CreateJob."},
		{"unimplemented operation with bad input is refused for the input first", badinputRequest{method: "POST", path: "/billing-groups/bad%20name", body: `{}`},
			badinputModelStatus(t, "InvalidRequestException"), "InvalidRequestException",
			badinputOne(badinputPattern("bad name", "billingGroupName", "[a-zA-Z0-9:_-]+"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			badinputWantError(t, e.badinputDo(t, tc.req), tc.status, tc.code, tc.message)
			if diff := cmp.Diff(before, badinputSnapshot(t, e.Client)); diff != "" {
				t.Errorf("the account changed (-before +after):\n%s", diff)
			}
		})
	}
}

// Bodies over server.MaxAPIBody are refused with 413 before they are read:
// one announced by Content-Length is never sent at all, and one sent in chunks
// never ends.
func TestBadInputOversizedBodies(t *testing.T) {
	e := newEnv(t)
	badinputSetUp(t, e.Client)
	before := badinputSnapshot(t, e.Client)
	const message = "The request body is larger than the limit of 1048576 bytes."
	if server.MaxAPIBody != 1<<20 {
		t.Fatalf("MaxAPIBody is %d; the message above says 1048576", server.MaxAPIBody)
	}
	huge := badinputResource{"thing", "badinput-huge"}

	tests := []struct {
		name string
		// body returns the request body and the length announced (-1: chunked).
		body func() (io.Reader, int64)
	}{
		{"Content-Length over the limit, body never sent", func() (io.Reader, int64) {
			pr, pw := io.Pipe()
			t.Cleanup(func() { pw.Close() })
			return pr, server.MaxAPIBody + 1 // nothing is ever written to pw
		}},
		{"Content-Length far over the limit", func() (io.Reader, int64) {
			pr, pw := io.Pipe()
			t.Cleanup(func() { pw.Close() })
			return pr, 1 << 40
		}},
		{"chunked body that never ends", func() (io.Reader, int64) {
			return io.MultiReader(strings.NewReader(`{"attributePayload":{"attributes":{"a":"`), badinputEndless{}), -1
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, length := tc.body()
			req, err := http.NewRequestWithContext(ctx(t), "POST", e.url+"/things/"+huge.name, body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = length
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
			badinputSignUnsigned(t, req)
			resp := badinputRoundTrip(t, req)
			badinputWantError(t, resp, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", message)
			huge.wantAbsent(t, e.Client)
			if diff := cmp.Diff(before, badinputSnapshot(t, e.Client)); diff != "" {
				t.Errorf("the account changed (-before +after):\n%s", diff)
			}
		})
	}
}

// badinputEndless is a body without end.
type badinputEndless struct{}

func (badinputEndless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// The same raw, signed requests with good input succeed and change what the
// snapshot reads: the refusals above are for the bad input alone, and the
// snapshot would have seen a change.
func TestBadInputControls(t *testing.T) {
	e := newEnv(t)
	seed := badinputSetUp(t, e.Client)
	pem := badinputCertificatePEM()
	chunked := `{"thingTypeName":"` + badinputType + `"}`

	tests := []struct {
		name    string
		req     badinputRequest
		chunked bool
		// changed is the snapshot entry the request adds, removes or changes.
		changed string
	}{
		{name: "create a thing", req: badinputRequest{method: "POST", path: "/things/badinput-new",
			body: `{"thingTypeName":"` + badinputType + `","attributePayload":{"attributes":{"color":"red"}}}`}, changed: "thing/badinput-new"},
		{name: "create a thing with a chunked body", req: badinputRequest{method: "POST", path: "/things/badinput-chunked", body: chunked},
			chunked: true, changed: "thing/badinput-chunked"},
		{name: "update a thing's attributes", req: badinputRequest{method: "PATCH", path: "/things/" + badinputThing,
			body: `{"attributePayload":{"attributes":{"color":"green"},"merge":true}}`}, changed: "thing/" + badinputThing},
		{name: "create a policy", req: badinputRequest{method: "POST", path: "/policies/badinput-new-policy",
			body: `{"policyDocument":` + badinputJSONString(badinputDocument) + `}`}, changed: "policy/badinput-new-policy/versions"},
		{name: "create a policy version, the default", req: badinputRequest{method: "POST", path: "/policies/" + badinputPolicy + "/version?setAsDefault=true",
			body: `{"policyDocument":` + badinputJSONString(badinputDocument) + `}`}, changed: "policy/" + badinputPolicy + "/versions"},
		{name: "register a certificate without a CA", req: badinputRequest{method: "POST", path: "/certificate/register-no-ca",
			body: `{"certificatePem":` + badinputJSONString(pem) + `,"status":"ACTIVE"}`}, changed: "certificate/" + badinputCertificateID(pem)},
		{name: "deactivate a certificate", req: badinputRequest{method: "PUT", path: "/certificates/" + seed.certID + "?newStatus=INACTIVE"},
			changed: "certificate/" + seed.certID},
		{name: "change a role alias", req: badinputRequest{method: "PUT", path: "/role-aliases/" + badinputAlias, body: `{"credentialDurationSeconds":7200}`},
			changed: "role-alias/" + badinputAlias},
		{name: "set the v2 default log level", req: badinputRequest{method: "POST", path: "/v2LoggingOptions",
			body: `{"roleArn":"` + badinputRoleARN + `","defaultLogLevel":"ERROR"}`}, changed: "logging/v2"},
		{name: "set the v1 logging options", req: badinputRequest{method: "POST", path: "/loggingOptions",
			body: `{"roleArn":"` + badinputRoleARN + `","logLevel":"DEBUG"}`}, changed: "logging"},
		{name: "tag a thing group", req: badinputRequest{method: "POST", path: "/tags",
			body: `{"resourceArn":"arn:aws:iot:` + region + `:` + firstAccount + `:thinggroup/` + badinputGroup + `","tags":[{"Key":"floor","Value":"3"}]}`},
			changed: "thing-group/" + badinputGroup + "/tags"},
		{name: "delete a thing at its version", req: badinputRequest{method: "DELETE", path: "/things/" + badinputLone + "?expectedVersion=1"},
			changed: "thing/" + badinputLone},
		{name: "list with a page size and an escaped filter", req: badinputRequest{method: "GET", path: "/things?maxResults=250&thingTypeName=" + url.QueryEscape(badinputType)}},
		{name: "describe a thing by an escaped name", req: badinputRequest{method: "GET", path: "/things/badinput%2Dthing"}},
	}
	before := badinputSnapshot(t, e.Client)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var resp badinputResponse
			if tc.chunked {
				req, err := http.NewRequestWithContext(ctx(t), tc.req.method, e.url+tc.req.path, struct{ io.Reader }{strings.NewReader(tc.req.body)})
				if err != nil {
					t.Fatal(err)
				}
				req.ContentLength = -1
				badinputSign(t, req, sha256.Sum256([]byte(tc.req.body)))
				resp = badinputRoundTrip(t, req)
			} else {
				resp = e.badinputDo(t, tc.req)
			}
			if resp.status != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", resp.status, resp.body)
			}
			after := badinputSnapshot(t, e.Client)
			if tc.changed == "" {
				if diff := cmp.Diff(before, after); diff != "" {
					t.Errorf("a read changed the account (-before +after):\n%s", diff)
				}
			} else if before[tc.changed] == after[tc.changed] {
				t.Errorf("snapshot entry %s did not change: %q", tc.changed, after[tc.changed])
			}
			before = after
		})
	}
}
