package awsjson

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testRouter() *Router[struct{}] {
	var routes []Route[struct{}]
	for _, r := range []struct{ op, method, uri string }{
		{"DescribeThing", "GET", "/things/{thingName}"},
		{"ListThingPrincipals", "GET", "/things/{thingName}/principals"},
		{"DescribeSpecialThing", "GET", "/things/special"},
		{"DescribeThingType", "GET", "/thing-types/{thingTypeName}"},
		{"DescribeJobExecution", "GET", "/things/{thingName}/jobs/{jobId}"},
		{"ListJobExecutions", "GET", "/things/{thingName}/jobs"},
		{"GetTopicRuleDestination", "GET", "/destinations/{arn+}"},
		{"DeleteTopicRuleDestination", "DELETE", "/destinations/{arn+}"},
		{"GetDestinationStatus", "GET", "/destinations/{arn+}/status"},
		{"ListTasks", "GET", "/tasks"},
		{"CancelTask", "GET", "/tasks?action=cancel"},
		{"CancelTaskForce", "GET", "/tasks?action=cancel&force"},
		{"CreateThing", "POST", "/things/{thingName}"},
	} {
		routes = append(routes, Route[struct{}]{Operation: r.op, Method: r.method, URI: r.uri,
			Serve: func(context.Context, struct{}, *Request, http.ResponseWriter) error { return nil }})
	}
	return NewRouter(routes)
}

func TestRouterMatch(t *testing.T) {
	rt := testRouter()
	tests := []struct {
		name, method, target string
		wantOp               string // "" for no match
		wantParams           Params
	}{
		{"label", "GET", "/things/t1", "DescribeThing", Params{{"thingName", "t1"}}},
		{"literal wins over label", "GET", "/things/special", "DescribeSpecialThing", nil},
		{"label below a literal's sibling", "GET", "/things/special/principals", "ListThingPrincipals", Params{{"thingName", "special"}}},
		{"two labels", "GET", "/things/t1/jobs/j-2", "DescribeJobExecution", Params{{"thingName", "t1"}, {"jobId", "j-2"}}},
		{"literal after label", "GET", "/things/t1/jobs", "ListJobExecutions", Params{{"thingName", "t1"}}},
		{"escaped space in label", "GET", "/things/a%20b", "DescribeThing", Params{{"thingName", "a b"}}},
		{"escaped slash stays in one label", "GET", "/things/a%2Fb", "DescribeThing", Params{{"thingName", "a/b"}}},
		{"escaped slash then literal", "GET", "/things/a%2Fb/principals", "ListThingPrincipals", Params{{"thingName", "a/b"}}},
		{"plus is not a space in a path", "GET", "/things/a+b", "DescribeThing", Params{{"thingName", "a+b"}}},
		{"greedy label takes slashes", "GET", "/destinations/arn:aws:iot:eu-west-1:123:ruledestination/http/abc", "GetTopicRuleDestination",
			Params{{"arn", "arn:aws:iot:eu-west-1:123:ruledestination/http/abc"}}},
		{"greedy label unescapes", "GET", "/destinations/a%2Fb%20c/d", "GetTopicRuleDestination", Params{{"arn", "a/b c/d"}}},
		{"greedy label before a literal", "GET", "/destinations/a/b/status", "GetDestinationStatus", Params{{"arn", "a/b"}}},
		{"greedy label by method", "DELETE", "/destinations/a/b", "DeleteTopicRuleDestination", Params{{"arn", "a/b"}}},
		{"method selects the route", "POST", "/things/t1", "CreateThing", Params{{"thingName", "t1"}}},
		{"no query literal", "GET", "/tasks", "ListTasks", nil},
		{"other query keys ignored", "GET", "/tasks?maxResults=3", "ListTasks", nil},
		{"query literal with value", "GET", "/tasks?action=cancel", "CancelTask", nil},
		{"query literal with other value", "GET", "/tasks?action=list", "ListTasks", nil},
		{"more query literals first", "GET", "/tasks?force&action=cancel", "CancelTaskForce", nil},
		{"query key literal with a value", "GET", "/tasks?action=cancel&force=yes", "CancelTaskForce", nil},
		{"unknown method", "PUT", "/things/t1", "", nil},
		{"unknown path", "GET", "/nothing/here", "", nil},
		{"empty label", "GET", "/things/", "", nil},
		{"empty greedy label", "GET", "/destinations/", "", nil},
		{"trailing segment", "GET", "/things/t1/principals/extra", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			route, params, ok := rt.Match(httptest.NewRequest(tt.method, tt.target, nil))
			got := ""
			if ok {
				got = route.Operation
			}
			if got != tt.wantOp {
				t.Fatalf("matched %q, want %q", got, tt.wantOp)
			}
			if diff := cmp.Diff(tt.wantParams, params); ok && diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParamsGet(t *testing.T) {
	p := Params{{"a", "1"}, {"b", "2"}}
	if p.Get("b") != "2" || p.Get("c") != "" {
		t.Errorf("Get: %q %q", p.Get("b"), p.Get("c"))
	}
}

func TestRequestQueryIsParsedOnce(t *testing.T) {
	r := &Request{HTTP: httptest.NewRequest("GET", "/x?a=1&a=2&b=", nil)}
	q := r.Query()
	if diff := cmp.Diff(map[string][]string{"a": {"1", "2"}, "b": {""}}, map[string][]string(q)); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	q.Set("a", "changed")
	if r.Query().Get("a") != "changed" {
		t.Error("Query parsed the query string again")
	}
}
