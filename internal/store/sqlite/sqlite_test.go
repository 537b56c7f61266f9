package sqlite

import (
	"context"
	"testing"

	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(context.Background(), t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.System().InitSetting(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, ok, err := s.System().Setting(ctx, "k"); err != nil || !ok || string(v) != "v" {
		t.Errorf("after reopen: %q, %v, %v", v, ok, err)
	}
}

func TestSynchronousOption(t *testing.T) {
	for opt, want := range map[string]int{"": 1, "NORMAL": 1, "FULL": 2} {
		s, err := Open(context.Background(), t.TempDir(), Options{Synchronous: opt})
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := s.writer.QueryRow(`PRAGMA synchronous`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Synchronous %q: the writer's synchronous is %d, want %d", opt, got, want)
		}
		s.Close()
	}
	if _, err := Open(context.Background(), t.TempDir(), Options{Synchronous: "OFF"}); err == nil {
		t.Error("Open accepted synchronous OFF")
	}
}
