// Command iotdefender is a self-hosted, AWS-compatible AWS IoT Device Defender
// Audit service.
//
//	iotdefender serve [--addr 127.0.0.1:4580] [--data ./iotdefender-data] [--region us-east-1]
//	iotdefender accounts add|list|remove --data DIR ...
//	iotdefender demo [--endpoint http://127.0.0.1:4580] [--data ./iotdefender-data]
//	iotdefender audit run [--endpoint URL] [--checks all|NAME,...] [--enable]
package main

import (
	"fmt"
	"os"
)

const usage = `usage: iotdefender <command> [flags]

commands:
  serve      run the AWS IoT API server
  accounts   add, list or remove accounts (works while a server runs)
  demo       fill a running server's account with a demo fleet to audit
  audit run  run an on-demand audit and show its results

Run "iotdefender <command> -h" for the flags of a command.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = serve(args)
	case "accounts":
		err = accountsCommand(args, os.Stdout)
	case "demo":
		err = demoCommand(args, os.Stdout)
	case "audit":
		err = auditCommand(args, os.Stdout)
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "iotdefender: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "iotdefender:", err)
		os.Exit(1)
	}
}

// env returns the environment variable name, or def when it is unset.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}
