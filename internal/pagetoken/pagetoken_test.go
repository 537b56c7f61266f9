package pagetoken

import (
	"errors"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/iot"
)

func TestRoundTripAndRefusals(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := New([]byte("0123456789abcdef0123456789abcdef"), clk)
	tok := c.Seal("123456789012/ListThings", "thing-042")
	got, err := c.Open("123456789012/ListThings", tok)
	if err != nil || got != "thing-042" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other := New([]byte("another secret, another install!"), clk)
	tampered := []byte(tok)
	tampered[len(tampered)/2] ^= 1
	for name, open := range map[string]func() (string, error){
		"other listing":  func() (string, error) { return c.Open("123456789012/ListThingTypes", tok) },
		"other account":  func() (string, error) { return c.Open("210987654321/ListThings", tok) },
		"other secret":   func() (string, error) { return other.Open("123456789012/ListThings", tok) },
		"tampered":       func() (string, error) { return c.Open("123456789012/ListThings", string(tampered)) },
		"not base64":     func() (string, error) { return c.Open("123456789012/ListThings", "!!!") },
		"too short":      func() (string, error) { return c.Open("123456789012/ListThings", "AAAA") },
		"empty sort key": func() (string, error) { return c.Open("123456789012/ListThings", "") },
	} {
		if _, err := open(); !errors.Is(err, iot.InvalidRequest) {
			t.Errorf("%s: %v, want InvalidRequest", name, err)
		}
	}
	clk.Advance(MaxAge + time.Second)
	if _, err := c.Open("123456789012/ListThings", tok); !errors.Is(err, iot.InvalidRequest) {
		t.Errorf("expired token: %v, want InvalidRequest", err)
	}
}
