package registry

import (
	"context"
	"fmt"
	"testing"
)

// Benchmarks of the thing family's hot paths over a real SQLite store (the
// issue's targets are end to end: DescribeThing and ListThings with 10,000
// things, CreateThing).

func benchThings(b *testing.B, n int) *Registry {
	b.Helper()
	r, _ := newThingRegistry(b)
	ctx := context.Background()
	for i := range n {
		if _, err := r.CreateThing(ctx, thingTestAccount, CreateThingRequest{Name: fmt.Sprintf("thing-%05d", i),
			Attributes: map[string]string{"serial": fmt.Sprint("SN", i), "site": "berlin"}}); err != nil {
			b.Fatal(err)
		}
	}
	return r
}

func BenchmarkDescribeThing(b *testing.B) {
	r := benchThings(b, 10000)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := r.DescribeThing(ctx, thingTestAccount, fmt.Sprintf("thing-%05d", i%10000)); err != nil {
				b.Fatal(err)
			}
			i += 7
		}
	})
}

func BenchmarkListThings100(b *testing.B) {
	r := benchThings(b, 10000)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := r.ListThings(ctx, thingTestAccount, ListThingsRequest{ListRequest: ListRequest{MaxResults: 100}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCreateThing(b *testing.B) {
	r := benchThings(b, 0)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := r.CreateThing(ctx, thingTestAccount, CreateThingRequest{Name: fmt.Sprint("new-", i),
			Attributes: map[string]string{"serial": "x"}}); err != nil {
			b.Fatal(err)
		}
	}
}
