package server

import "context"

type accountKey struct{}

// withAccount returns ctx carrying the authenticated account.
func withAccount(ctx context.Context, account string) context.Context {
	return context.WithValue(ctx, accountKey{}, account)
}

// accountOf returns the authenticated account of a request's context.
func accountOf(ctx context.Context) string {
	a, _ := ctx.Value(accountKey{}).(string)
	return a
}
