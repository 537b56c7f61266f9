package sigv4

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkVerify measures the requests the server sees most: a GET and a
// POST signed by an SDK (with the headers aws-sdk-go-v2 signs), and a
// presigned GET. The server must keep up with more than 20,000 signed
// requests a second on two cores.
func BenchmarkVerify(b *testing.B) {
	sdkHeaders := func(r *http.Request) *http.Request {
		r.Header.Set("Amz-Sdk-Invocation-Id", "6c4f4c8e-4d6c-4c43-9a35-0d1e2f9d5b1a")
		r.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
		r.Header.Set("User-Agent", "aws-sdk-go-v2/1.47.7 os/linux lang/go#1.26 api/iot#1.75.0")
		return r
	}
	body := `{"attributePayload":{"attributes":{"model":"thermostat-v2","site":"plant 7"},"merge":true},` +
		`"thingTypeName":"thermostat","expectedVersion":3,"removeThingType":false,"description":"` + strings.Repeat("x", 120) + `"}`
	requests := []struct {
		name string
		r    *http.Request
		body string
	}{
		{"GET", signing{}.sign(b, sdkHeaders(httptest.NewRequest("GET", "/things/thermostat-0042", nil)), ""), ""},
		{"POST", signing{}.sign(b, sdkHeaders(httptest.NewRequest("PATCH", "/things/thermostat%3A0042", strings.NewReader(body))), body), body},
		{"presigned GET", signing{presign: true, expires: "300"}.request(b, "GET", "/things/thermostat-0042?maxResults=50", ""), ""},
	}
	for _, req := range requests {
		v := testVerifier()
		body := []byte(req.body)
		if _, err := v.Verify(req.r, body); err != nil {
			b.Fatalf("%s: %v", req.name, err)
		}
		b.Run(req.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(req.r, body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(req.name+" parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := v.Verify(req.r, body); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
