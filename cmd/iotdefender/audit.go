package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/iotdefender/iotdefender/internal/auditcli"
)

const auditUsage = `usage: iotdefender audit run [--endpoint URL] [--checks all|NAME,...] [--enable] [--role-arn ARN]`

func auditCommand(args []string, out *os.File) error {
	if len(args) == 0 || args[0] != "run" {
		return errors.New(auditUsage)
	}
	fs := flag.NewFlagSet("audit run", flag.ContinueOnError)
	var cf clientFlags
	cf.register(fs)
	checks := fs.String("checks", "all", "the checks to run: all, or names separated by commas. Without --enable, all is every check "+
		"enabled for the account; with it, every check iotdefender runs")
	enable := fs.Bool("enable", false, "enable the checks first (UpdateAccountAuditConfiguration)")
	role := fs.String("role-arn", "", "audit role to set with --enable when the account has none (a placeholder in the account by default)")
	fs.Usage = func() {
		_, _ = io.WriteString(fs.Output(), auditUsage+"\n\nStarts an on-demand audit, shows each check as it completes, "+
			"and prints a table of the checks and the most severe findings.\nExits non-zero when the audit FAILED or was CANCELED.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	ctx, stop := interruptible()
	defer stop()
	c, err := cf.client(ctx)
	if err != nil {
		return err
	}
	if err := c.Healthy(ctx); err != nil {
		return err
	}
	res, err := auditcli.Run(ctx, c.IoT, auditcli.Options{
		Checks: strings.Split(*checks, ","), Enable: *enable, RoleARN: *role,
		Account: c.AccountFromCredentialsFile(), Out: out, Live: isTerminal(out),
	})
	if err != nil {
		return c.Explain(err)
	}
	if !res.Completed() {
		return fmt.Errorf("audit %s ended %s", res.TaskID, res.Task.TaskStatus)
	}
	return nil
}
