// Command apigen writes the Go API layer of a rest-json service from its model.
//
//	apigen -model ../model/iot-2015-05-28.json -package iotapi -validation-error InvalidRequestException -out iotapi_gen.go
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iotdefender/iotdefender/internal/api/apigen"
)

func main() {
	model := flag.String("model", "", "botocore model file")
	pkg := flag.String("package", "", "Go package name")
	validation := flag.String("validation-error", "", "exception shape for constraint violations")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if err := run(*model, *pkg, *validation, *out); err != nil {
		fmt.Fprintln(os.Stderr, "apigen:", err)
		os.Exit(1)
	}
}

func run(model, pkg, validation, out string) error {
	if model == "" || pkg == "" || out == "" {
		return fmt.Errorf("-model, -package and -out are required")
	}
	m, err := apigen.LoadModel(model)
	if err != nil {
		return err
	}
	src, err := apigen.Generate(m, apigen.Config{Package: pkg, ValidationError: validation, Source: filepath.Base(model)})
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
