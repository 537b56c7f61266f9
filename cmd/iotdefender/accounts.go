package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/iotdefender/iotdefender/internal/accounts"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

const accountsUsage = `usage: iotdefender accounts <add|list|remove> --data DIR [--id ACCOUNT_ID]`

func accountsCommand(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(accountsUsage)
	}
	sub := args[0]
	fs := flag.NewFlagSet("accounts "+sub, flag.ContinueOnError)
	data := fs.String("data", env("IOTDEFENDER_DATA", "./iotdefender-data"), "data directory (IOTDEFENDER_DATA)")
	id := fs.String("id", "", "12-digit account id")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, *data, sqlite.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	enc := json.NewEncoder(out)
	switch sub {
	case "add":
		if *id == "" {
			return errors.New("accounts add needs --id")
		}
		key, err := accounts.Create(ctx, st.System(), clock.Real{}, *id, "", "")
		if err != nil {
			return err
		}
		return enc.Encode(map[string]string{"accountId": key.AccountID, "accessKeyId": key.AccessKeyID, "secretAccessKey": key.SecretAccessKey})
	case "list":
		list, err := st.System().Accounts(ctx)
		if err != nil {
			return err
		}
		keys, err := st.System().AccessKeys(ctx)
		if err != nil {
			return err
		}
		for _, a := range list {
			ids := []string{}
			for _, k := range keys {
				if k.AccountID == a.ID {
					ids = append(ids, k.AccessKeyID)
				}
			}
			if err := enc.Encode(map[string]any{"accountId": a.ID, "accessKeyIds": ids, "createdAt": a.CreatedAt}); err != nil {
				return err
			}
		}
		return nil
	case "remove":
		if *id == "" {
			return errors.New("accounts remove needs --id")
		}
		return st.System().RemoveAccount(ctx, *id)
	default:
		return fmt.Errorf("unknown accounts command %q\n%s", sub, accountsUsage)
	}
}
