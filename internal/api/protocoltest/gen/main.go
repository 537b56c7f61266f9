// Command gen writes the generated files of package protocoltest from
// botocore's rest-json protocol test suites.
//
//	go run ./gen -suites ../../../../shared/testdata/protocols -out .
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iotdefender/iotdefender/internal/api/protocoltest/suite"
)

func main() {
	dir := flag.String("suites", "", "directory of the protocol test suites")
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	if dir == "" {
		return fmt.Errorf("-suites is required")
	}
	files, err := suite.GeneratedFiles(dir)
	if err != nil {
		return err
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(out, name), src, 0o644); err != nil {
			return err
		}
	}
	return nil
}
